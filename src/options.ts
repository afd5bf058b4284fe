import type { AccessTokenSource } from './auth/token-provider.js';
import type { OAuthCredentials } from './auth/credentials.js';
import { ConfigurationError } from './errors/configuration-error.js';
import type { Logger } from './internal/http/log.js';

/** The production endpoint of the Segmentation Service. */
export const DEFAULT_BASE_URL = 'https://platform.adobe.io/data/core/ups';
/** The default per-attempt timeout, in ms. */
export const DEFAULT_TIMEOUT = 60_000;
/** The default number of retries after a first failed attempt. */
export const DEFAULT_MAX_RETRIES = 2;

/**
 * Settings of an {@link ExportJobsClient}.
 *
 * @example
 * ```ts
 * const client = new ExportJobsClient({
 *   accessToken: process.env.AEP_ACCESS_TOKEN!,
 *   apiKey: process.env.AEP_API_KEY!,
 *   orgId: '1BD6382559DF0C130A49422D@AdobeOrg',
 *   sandboxName: 'prod',
 *   timeout: 30_000,
 *   maxRetries: 3,
 * });
 * ```
 */
export interface ExportJobsClientOptions {
  /**
   * A bearer token, a function returning one (or a Promise of one) called for each request, or a
   * `TokenProvider` (such as `OAuthTokenProvider`). Give this or `credentials`, not both.
   */
  accessToken?: AccessTokenSource;
  /**
   * OAuth Server-to-Server credentials: the client gets tokens from Adobe IMS, caches them and
   * renews them before they expire, and after a 401 renews once and replays the request.
   */
  credentials?: OAuthCredentials;
  /** The API key: your credential's client id (`x-api-key`). Defaults to `credentials.clientId`. */
  apiKey?: string;
  /** The IMS organization id, such as `1BD6382559DF0C130A49422D@AdobeOrg` (`x-gw-ims-org-id`). */
  orgId: string;
  /**
   * The sandbox to work in (`x-sandbox-name`), such as `prod`. Required, so that a forgotten
   * setting never silently writes to production.
   */
  sandboxName: string;
  /** The API's base URL. Default `https://platform.adobe.io/data/core/ups`. */
  baseUrl?: string;
  /** The Catalog API's base URL (datasets). Default: `baseUrl`'s origin + `/data/foundation/catalog`. */
  catalogUrl?: string;
  /** The Data Access API's base URL (exported files). Default: `baseUrl`'s origin + `/data/foundation/export`. */
  dataAccessUrl?: string;
  /** Per-attempt timeout in ms, covering the response headers and body. Default 60 000. */
  timeout?: number;
  /**
   * Retries after a failed attempt, for failures that are safe to retry. Default 2; 0 disables.
   * What counts as safe is the SDK's one retry policy: see docs/errors-and-retries.md.
   */
  maxRetries?: number;
  /** A fetch implementation to send requests with (instrumentation, proxies, tests). Default: global `fetch`. */
  fetch?: (input: Request | URL | string, init?: RequestInit) => Promise<Response>;
  /** Receives one debug line per HTTP attempt; tokens are redacted. `console` works. */
  logger?: Logger;
  /** Headers added to every request (the SDK's own headers win over these). */
  defaultHeaders?: Record<string, string>;
  /**
   * The most bytes of a response body the client reads (JSON responses and error bodies, counted
   * after gzip or brotli decoding); past it the call fails with `ResponseTooLargeError` and the
   * connection is dropped. Default 16 MiB (`DEFAULT_MAX_RESPONSE_BYTES`), far above the largest
   * real page (a list of 100 jobs is well under 1 MB). Downloaded files are not limited by it.
   */
  maxResponseBytes?: number;
}

/**
 * Per-call settings: the last argument of every operation, and the base of every helper's
 * options (`WaitOptions`, `DownloadOptions`, `ListOptions`... extend it rather than nesting a
 * second bag).
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const job = await client.getExportJob(42, { signal: controller.signal, timeout: 5_000, sandboxName: 'dev' });
 * ```
 */
export interface RequestOptions {
  /**
   * Aborts the call at once, including any wait between retries and any token request it waits
   * for; the call rejects with the signal's own reason.
   */
  signal?: AbortSignal | undefined;
  /** Per-attempt timeout in ms for this call. */
  timeout?: number | undefined;
  /** Another sandbox for this call only. */
  sandboxName?: string | undefined;
  /** Extra headers for this call, such as `x-profile-instance-id`. */
  headers?: Record<string, string> | undefined;
  /** Retries for this call (see `ExportJobsClientOptions.maxRetries`). */
  maxRetries?: number | undefined;
}

/**
 * Just the {@link RequestOptions} of a helper's options (which extend them), for the calls the
 * helper makes. Kept beside the interface so that a new per-call option reaches every helper.
 */
export function pickRequestOptions(options: RequestOptions): RequestOptions {
  const { signal, timeout, sandboxName, headers, maxRetries } = options;
  return { signal, timeout, sandboxName, headers, maxRetries };
}

/**
 * Checks per-call options before anything is sent, and returns them. Every public operation
 * calls this once on entry, so a bad value is refused with a `ConfigurationError` naming it.
 */
export function checkRequestOptions<T extends RequestOptions>(options: T | undefined): T | Record<string, never> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options', 'expected an object');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new ConfigurationError('signal', 'must be an AbortSignal');
  }
  if (options.timeout !== undefined) checkTimeout('timeout', options.timeout);
  if (options.maxRetries !== undefined) checkMaxRetries('maxRetries', options.maxRetries);
  if (options.sandboxName !== undefined) requireText('sandboxName', options.sandboxName);
  if (options.headers !== undefined) checkHeaders('headers', options.headers);
  return options;
}

/** An absolute http(s) URL without trailing slashes, or a `ConfigurationError` naming the option. */
export function checkUrl(option: string, value: string): string {
  const url = trimTrailingSlashes(value);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new ConfigurationError(option, `must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url;
}

/** `https://host/path///` -> `https://host/path`: base URLs are joined with paths that start after a `/`. */
export function trimTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

export function requireText(option: string, value: unknown): string {
  if (value === undefined || value === null) throw new ConfigurationError(option, 'is required');
  if (typeof value !== 'string') throw new ConfigurationError(option, `must be a string, got ${typeof value}`);
  if (value.trim() === '') throw new ConfigurationError(option, 'must not be empty');
  return value;
}

export function checkTimeout(option: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 2_147_483_647)) {
    throw new ConfigurationError(option, `must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}

export function checkMaxRetries(option: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
    throw new ConfigurationError(option, `must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** A positive integer option (`concurrency`, `maxItems`...). */
export function checkPositiveInteger(option: string, value: unknown): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw new ConfigurationError(option, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** A function option, when given. */
export function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new ConfigurationError(option, 'must be a function');
}

// RFC 9110 token characters for names; values are visible ASCII, spaces and tabs (no CR, LF or NUL).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Header names and values are checked before anything is sent: undici's own error for a bad value
 * would quote it (and a token with a newline would end up in a message). Values are never echoed.
 */
export function checkHeaders(option: string, headers: unknown): void {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ConfigurationError(option, 'must be an object of header names to string values');
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name))
      throw new ConfigurationError(option, `has an invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw new ConfigurationError(
        option,
        `header ${name} must be a string without control characters (value not shown)`,
      );
    }
  }
}

/** A header value the SDK builds from a secret (a token), checked without ever showing it. */
export function checkHeaderValue(option: string, value: string): string {
  if (!HEADER_VALUE.test(value)) {
    throw new ConfigurationError(
      option,
      'must not contain control characters such as a newline or NUL (value not shown)',
    );
  }
  return value;
}
