import { z } from 'zod';
import { ApiError, TokenRequestError } from '../errors/api-error.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import type { Logger } from '../internal/http/log.js';
import { abortable } from '../internal/http/sleep.js';
import { Transport } from '../internal/http/transport.js';
import { checkHeaderValue } from '../options.js';
import type { OAuthCredentials } from './credentials.js';
import type { TokenProvider } from './token-provider.js';

export type { OAuthCredentials } from './credentials.js';

/** Adobe IMS's token endpoint (OAuth Server-to-Server, token v3). */
export const DEFAULT_IMS_URL = 'https://ims-na1.adobelogin.com/ims/token/v3';
/** The scopes AEP integrations typically need. */
export const DEFAULT_SCOPES = [
  'openid',
  'session',
  'AdobeID',
  'read_organizations',
  'additional_info.projectedProductContext',
] as const;
/** How long before expiry a token is renewed: 5 minutes, or a tenth of a short lifetime. */
export const DEFAULT_REFRESH_MARGIN = 5 * 60_000;

/** Settings of an {@link OAuthTokenProvider}: the credentials and how to reach IMS. */
export interface OAuthTokenProviderOptions extends OAuthCredentials {
  /** The clock expiry is judged by, in epoch ms. Default `Date.now`; a simulator's `now` in tests. */
  now?: () => number;
  /** Per-attempt timeout of the token request, in ms. Default 30 000. */
  timeout?: number;
  /** Retries of a token request that met a 5xx, 429 or a connection error. Default 2. */
  maxRetries?: number;
  /** A fetch implementation for the token request. */
  fetch?: (input: Request | URL | string, init?: RequestInit) => Promise<Response>;
  /** Receives a debug line per token request attempt; the secret and tokens are redacted. */
  logger?: Logger;
  /** The most bytes of an IMS response body to read, after decoding. Default 1 MiB (a token response is about 2 KB). */
  maxResponseBytes?: number;
}

/** The default cap on an IMS response body: far above a token response or an IMS error page. */
const DEFAULT_IMS_MAX_RESPONSE_BYTES = 1024 * 1024;

/** One token request shared by every caller waiting for it, and how many still are. */
interface Flight {
  promise: Promise<string>;
  controller: AbortController;
  waiters: number;
}

const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  /** Seconds. */
  expires_in: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number),
    ])
    .pipe(z.number().positive()),
});

/**
 * Gets access tokens from Adobe IMS with OAuth Server-to-Server credentials, caches each until
 * shortly before it expires, and renews it then. Concurrent callers that find no valid token share
 * one token request (single flight), so Adobe never sees a burst of token requests. Reusable for any
 * Adobe API: `await provider.getToken()`.
 *
 * IMS failures (bad client, bad scope, a 5xx after retries) throw `TokenRequestError` carrying
 * IMS's `error` as `code` and its `error_description` in the message. The secret never appears in
 * an error, a log line, `JSON.stringify` or `util.inspect` of this object.
 *
 * @example
 * ```ts
 * const provider = new OAuthTokenProvider({ clientId, clientSecret });
 * const client = new ExportJobsClient({ accessToken: provider, apiKey: clientId, orgId, sandboxName: 'prod' });
 * // or simply: new ExportJobsClient({ credentials: { clientId, clientSecret }, orgId, sandboxName: 'prod' })
 * ```
 */
export class OAuthTokenProvider implements TokenProvider {
  /** The client id the tokens are issued to. */
  readonly clientId: string;
  readonly #clientSecret: string;
  readonly #scope: string;
  readonly #refreshMargin: number;
  readonly #transport: Transport;
  readonly #path: string;
  readonly #now: () => number;
  #cached: { token: string; renewAt: number } | undefined;
  #inflight: Flight | undefined;
  /** Tokens IMS returned lately: masked in this provider's errors and log lines even once replaced. */
  readonly #issued: string[] = [];

  constructor(options: OAuthTokenProviderOptions) {
    this.clientId = required('credentials.clientId', options.clientId);
    this.#clientSecret = required('credentials.clientSecret', options.clientSecret);
    const scopes = options.scopes ?? DEFAULT_SCOPES;
    this.#scope = typeof scopes === 'string' ? scopes : scopes.join(',');
    this.#refreshMargin = options.refreshMargin ?? DEFAULT_REFRESH_MARGIN;
    this.#now = options.now ?? (() => Date.now());
    const imsUrl = options.imsUrl ?? DEFAULT_IMS_URL;
    if (!URL.canParse(imsUrl))
      throw new ConfigurationError('credentials.imsUrl', `must be an absolute URL, got ${JSON.stringify(imsUrl)}`);
    const url = new URL(imsUrl);
    this.#path = url.pathname.replace(/^\/+/, '');
    this.#transport = new Transport({
      baseUrl: url.origin,
      timeout: options.timeout ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      fetch: options.fetch,
      logger: options.logger,
      secrets: () => [this.#clientSecret, ...this.#issued],
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_IMS_MAX_RESPONSE_BYTES,
    });
  }

  /**
   * A valid access token: the cached one, or a new one when it is missing or about to expire.
   * Concurrent callers share one token request. A caller's `signal` ends that caller's wait at
   * once (rejecting with its reason) without failing the others; the request itself is cancelled
   * only when every caller waiting for it has aborted.
   */
  getToken(options?: { signal?: AbortSignal | undefined }): Promise<string> {
    const signal = options?.signal;
    // The caller's own reason, whatever it is: the contract of `signal` across the SDK.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#cached && this.#now() < this.#cached.renewAt) return Promise.resolve(this.#cached.token);
    const flight = (this.#inflight ??= this.#takeOff());
    flight.waiters++;
    if (!signal) return flight.promise;
    const leave = () => {
      if (--flight.waiters > 0) return;
      // Nobody waits any more: stop asking IMS, and let the next caller start afresh.
      if (this.#inflight === flight) this.#inflight = undefined;
      flight.controller.abort();
    };
    signal.addEventListener('abort', leave, { once: true });
    const settled = () => signal.removeEventListener('abort', leave);
    void flight.promise.then(settled, settled);
    return abortable(flight.promise, signal);
  }

  #takeOff(): Flight {
    const controller = new AbortController();
    const promise = this.#requestToken(controller.signal);
    const flight: Flight = { promise, controller, waiters: 0 };
    const land = () => {
      if (this.#inflight === flight) this.#inflight = undefined;
    };
    promise.then(land, land);
    return flight;
  }

  /** Drops `token` if it is the cached one, so the next `getToken` asks IMS for a new one. */
  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #requestToken(signal: AbortSignal): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.clientId,
      client_secret: this.#clientSecret,
      scope: this.#scope,
    });
    let text: string;
    let requestId: string;
    let status: number;
    try {
      // Asking IMS twice is harmless: the request is retried like a GET.
      ({ text, requestId, status } = await this.#transport.send(
        { method: 'POST', path: this.#path, form, idempotent: true },
        { signal },
      ));
    } catch (error) {
      // `instanceof` on the generic class gives ApiError<any>; any status is fine here.
      if (error instanceof ApiError) throw asTokenRequestError(error as ApiError);
      throw error;
    }
    const parsed = TokenResponseSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      // The body is not echoed: it could hold a token.
      throw new ResponseValidationError(`IMS answered ${status} without a usable access_token and expires_in`, {
        issues: parsed.error.issues,
        requestId,
        body: '[withheld]',
        status,
      });
    }
    const token = parsed.data.access_token;
    this.#issued.push(token);
    if (this.#issued.length > 4) this.#issued.shift();
    try {
      checkHeaderValue('access_token', token);
    } catch {
      // A newline or NUL in it would make the request fail in undici with the token in the message.
      throw new ResponseValidationError(
        `IMS answered ${status} with an access_token that cannot be sent in a header (control characters)`,
        {
          requestId,
          body: '[withheld]',
          status,
        },
      );
    }
    const lifetime = parsed.data.expires_in * 1000;
    const margin = Math.min(this.#refreshMargin, lifetime / 10);
    this.#cached = { token, renewAt: this.#now() + lifetime - margin };
    return token;
  }

  /** Only the client id shows when the provider is inspected or serialised. */
  toJSON(): { clientId: string } {
    return { clientId: this.clientId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `OAuthTokenProvider { clientId: ${JSON.stringify(this.clientId)} }`;
  }
}

function asTokenRequestError(error: ApiError): TokenRequestError {
  return new TokenRequestError({
    status: error.status,
    message: `IMS token request failed: ${error.message}`,
    code: error.code,
    requestId: error.requestId,
    requestIds: error.requestIds,
    body: error.body,
    headers: error.headers,
    retryAfter: error.retryAfter,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function required(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigurationError(option, value === undefined ? 'is required' : 'must be a non-empty string');
  return value;
}
