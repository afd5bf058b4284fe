import type { SimulatorClock } from './clock.js';
import { jsonResponse } from './responses.js';
import { isObject, parseJson } from './util.js';

/**
 * The path of the simulator's fake Adobe IMS token endpoint, the same as Adobe's
 * (`https://ims-na1.adobelogin.com/ims/token/v3`). It is answered on any origin, outside the API's
 * base path.
 *
 * @example
 * ```ts
 * const imsUrl = `http://127.0.0.1:${port}${SIMULATOR_IMS_PATH}`; // or server.imsUrl
 * ```
 */
export const SIMULATOR_IMS_PATH = '/ims/token/v3';

/** Adobe's IMS token endpoint, which the msw handlers answer by default (the SDK's default `imsUrl`). */
export const ADOBE_IMS_URL = 'https://ims-na1.adobelogin.com/ims/token/v3';

/** The `expires_in` of the simulator's tokens unless `ims.tokenLifetime` says otherwise: IMS's 24 h less a second. */
export const DEFAULT_SIMULATOR_TOKEN_LIFETIME = 86_399;

/**
 * What the simulator's fake IMS accepts and issues. Anything left unset accepts any non-empty
 * value, so a simulator without `ims` hands a token to any well-formed request.
 *
 * @example
 * ```ts
 * const simulator = new ExportJobsSimulator({
 *   clock: 'manual',
 *   ims: { clientId: 'my-client', clientSecret: 'my-secret', tokenLifetime: 3_600, scopes: ['openid', 'AdobeID'] },
 * });
 * ```
 */
export interface SimulatorImsOptions {
  /** The only `client_id` accepted; another one gets 401 `invalid_client`. */
  clientId?: string;
  /** The only `client_secret` accepted; another one gets 401 `invalid_client`. */
  clientSecret?: string;
  /** The tokens' `expires_in`, in seconds of the simulator's clock. Default 86 399 (24 h less a second). */
  tokenLifetime?: number;
  /** The scopes a client may ask for; another one gets 400 `invalid_scope`. Default: any. */
  scopes?: readonly string[];
}

/** What the gateway makes of a bearer token, as far as the fake IMS knows it. */
export type TokenVerdict = 'valid' | 'expired' | 'foreign';

const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * The fake IMS's state: the settings, the tokens it issued with their expiry on the simulator's
 * clock, and a count for tests. Kept apart from the export jobs core, which only asks it about tokens.
 */
export class SimulatedIms {
  readonly #clientId: string | undefined;
  readonly #clientSecret: string | undefined;
  readonly #lifetime: number;
  readonly #scopes: ReadonlySet<string> | undefined;
  readonly #clock: SimulatorClock;
  /**
   * Every token carries it, so that a token of this simulator that it no longer knows (pruned
   * after expiry) is still refused instead of being judged like a token from elsewhere.
   */
  readonly #prefix = `simims_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 12)}_`;
  /** Token → expiry (epoch ms). Insertion order is expiry order: one lifetime, a clock that never goes back. */
  readonly #tokens = new Map<string, number>();
  issued = 0;

  constructor(options: SimulatorImsOptions, clock: SimulatorClock) {
    this.#clientId = optionalText('ims.clientId', options.clientId);
    this.#clientSecret = optionalText('ims.clientSecret', options.clientSecret);
    this.#lifetime = options.tokenLifetime ?? DEFAULT_SIMULATOR_TOKEN_LIFETIME;
    if (!(Number.isInteger(this.#lifetime) && this.#lifetime > 0)) {
      throw new RangeError(
        `ims.tokenLifetime is in seconds and must be a positive integer, got ${String(options.tokenLifetime)}`,
      );
    }
    if (
      options.scopes !== undefined &&
      !(Array.isArray(options.scopes) && options.scopes.every((scope) => typeof scope === 'string'))
    ) {
      throw new TypeError('ims.scopes must be an array of scope names such as ["openid", "AdobeID"]');
    }
    this.#scopes = options.scopes && new Set(options.scopes);
    this.#clock = clock;
  }

  /** Whether a bearer token is one of this IMS's, and if so whether it is still valid. */
  verify(token: string): TokenVerdict {
    if (!token.startsWith(this.#prefix)) return 'foreign';
    const expiresAt = this.#tokens.get(token);
    return expiresAt !== undefined && this.#clock.now() < expiresAt ? 'valid' : 'expired';
  }

  /** Answers `POST /ims/token/v3` the way IMS does, errors included. */
  answer(method: string, headers: Headers, text: string): Response {
    if (method !== 'POST') {
      const response = imsError(405, 'invalid_request', `Method ${method} is not supported; use POST`);
      response.headers.set('allow', 'POST');
      return response;
    }
    if (text !== '' && !isForm(headers)) return imsError(400, 'invalid_request', `Content-Type must be ${FORM_TYPE}`);
    const form = new URLSearchParams(text);
    const grantType = form.get('grant_type');
    if (!grantType) return imsError(400, 'invalid_request', 'missing grant_type parameter');
    // JWT (service account) credentials are deprecated by Adobe, so only Server-to-Server is served.
    if (grantType !== 'client_credentials')
      return imsError(400, 'invalid_request', `unsupported grant_type: ${grantType}`);
    const clientId = form.get('client_id');
    if (!clientId) return imsError(400, 'invalid_request', 'missing client_id parameter');
    if (this.#clientId !== undefined && clientId !== this.#clientId)
      return imsError(401, 'invalid_client', 'invalid client_id parameter');
    const clientSecret = form.get('client_secret');
    if (!clientSecret) return imsError(400, 'invalid_request', 'missing client_secret parameter');
    if (this.#clientSecret !== undefined && clientSecret !== this.#clientSecret)
      return imsError(401, 'invalid_client', 'invalid client_secret parameter');
    const scope = form.get('scope');
    if (!scope) return imsError(400, 'invalid_request', 'missing scope parameter');
    const refused = this.#scopes && scope.split(/[,\s]+/).find((name) => name !== '' && !this.#scopes?.has(name));
    if (refused) return imsError(400, 'invalid_scope', `Invalid scope: ${refused}`);
    return jsonResponse({ access_token: this.#issue(), token_type: 'bearer', expires_in: this.#lifetime }, 200);
  }

  #issue(): string {
    const now = this.#clock.now();
    // Expired tokens are dropped as new ones are issued, so a long-running demo server stays small.
    for (const [token, expiresAt] of this.#tokens) {
      if (expiresAt > now) break;
      this.#tokens.delete(token);
    }
    const token = `${this.#prefix}${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
    this.#tokens.set(token, now + this.#lifetime * 1000);
    this.issued += 1;
    return token;
  }
}

/** The default body of a status fault injected into the IMS endpoint: IMS's `{ error, error_description }`. */
export function imsFaultBody(status: number): unknown {
  const error =
    status >= 500
      ? 'server_error'
      : status === 401
        ? 'invalid_client'
        : status === 429
          ? 'too_many_requests'
          : 'invalid_request';
  return { error, error_description: `Injected by ExportJobsSimulator (HTTP ${status})` };
}

/**
 * A request body as the request log keeps it: a form becomes an object, and any `client_secret`
 * (form, JSON or stray text) reads `[redacted]`, so a log dumped by a failing test leaks nothing.
 */
export function recordedBody(text: string, headers: Headers): unknown {
  if (text === '') return undefined;
  if (isForm(headers)) return redactEntries(Object.fromEntries(new URLSearchParams(text)));
  const parsed = parseJson(text);
  if (!parsed) return text.replace(/(client_secret=)[^&\s]*/gi, '$1[redacted]');
  return isObject(parsed.value) ? redactEntries(parsed.value) : parsed.value;
}

/** Query parameters as the request log keeps them: a `client_secret` sent in the URL is redacted too. */
export function recordedQuery(query: URLSearchParams): Record<string, string> {
  return redactEntries(Object.fromEntries(query));
}

function redactEntries<T>(entries: Record<string, T>): Record<string, T | string> {
  return 'client_secret' in entries ? { ...entries, client_secret: '[redacted]' } : entries;
}

/** IMS's error body: `{ error, error_description }`. */
export function imsError(status: number, error: string, description: string): Response {
  return jsonResponse({ error, error_description: description }, status);
}

function isForm(headers: Headers): boolean {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() === FORM_TYPE;
}

function optionalText(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${option} must be a non-empty string, or left out to accept any`);
  return value;
}
