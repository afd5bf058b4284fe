import type { TokenSource } from '../../auth/token-provider.js';
import type { Logger } from './log.js';

/** The shapes the transport speaks in. Internal. */

/** The AEP headers every platform request carries besides the token. */
export interface PlatformHeaders {
  apiKey: string;
  orgId: string;
  sandboxName: string;
}

/** The resolved settings one transport sends with. Internal: clients build it from their options. */
export interface TransportConfig {
  baseUrl: string;
  /** The bearer token source; absent for requests that carry no token (the IMS token request). */
  token?: TokenSource | undefined;
  /** The AEP headers; absent outside the platform (IMS). */
  platform?: PlatformHeaders | undefined;
  timeout: number;
  maxRetries: number;
  fetch?: ((input: Request | URL | string, init?: RequestInit) => Promise<Response>) | undefined;
  logger?: Logger | undefined;
  headers?: Record<string, string> | undefined;
  /** Secrets besides the tokens sent to mask in log lines and errors (a client secret, tokens IMS returned). */
  secrets?: (() => Iterable<string | undefined>) | undefined;
  /** The most bytes of a JSON or error body to read, after decoding. Default `DEFAULT_MAX_RESPONSE_BYTES`. */
  maxResponseBytes?: number | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  /** Relative to the base URL, may carry a query string (`export/jobs/?limit=2&offset=...`). */
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  /** A JSON body. */
  body?: unknown;
  /** A form body (`application/x-www-form-urlencoded`), for IMS. */
  form?: URLSearchParams | undefined;
  /** Whether the server may safely see the request twice (GET, DELETE, a token request). */
  idempotent: boolean;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** The body as text ('' when empty). */
  text: string;
  /** The request id: the response's `x-request-id`, else the one sent. */
  requestId: string;
  /**
   * Masks the secrets this transport knows in an error built from this result (a body that
   * echoes the token): for errors raised after `send` returned, such as `parseBody`'s.
   */
  scrub?: <E>(error: E) => E;
}

/** What one call learned across its attempts: the last token sent and every request id. */
export interface Used {
  token?: string;
  requestIds: string[];
}

export interface StreamResult {
  status: number;
  headers: Headers;
  /** The unread body; `null` when there is none. */
  body: ReadableStream<Uint8Array> | null;
  requestId: string;
}
