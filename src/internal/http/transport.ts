import { randomUUID } from 'node:crypto';
import ky, { type KyInstance } from 'ky';
import { AuthenticationError } from '../../errors/api-error.js';
import type { TokenSource } from '../../auth/token-provider.js';
import { checkHeaderValue, type RequestOptions } from '../../options.js';
import { VERSION } from '../../version.js';
import { toExportJobsError } from './errors.js';
import { redactingLogger, type Logger } from './log.js';
import { withRetries } from './retry.js';

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
  /** Secrets besides the token to mask in log lines (a client secret). */
  secrets?: (() => Iterable<string | undefined>) | undefined;
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
}

/** What one call learned across its attempts: the last token sent and every request id. */
interface Used {
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

export const USER_AGENT = `aep-export-jobs/${VERSION} node/${process.versions.node}`;

/**
 * The one HTTP core: a ky instance with ky's own retry off (p-retry wraps each whole call, in
 * `withRetries`), the AEP headers, a fresh `x-request-id` per attempt, the per-attempt timeout
 * (which also bounds reading the body), and every failure mapped to an SDK error. A 401 with a
 * token source that can renew is renewed and replayed once: a 401 means nothing was acted on.
 */
export class Transport {
  readonly config: TransportConfig;
  readonly #ky: KyInstance;
  readonly #logger: Logger | undefined;
  #lastToken: string | undefined;

  constructor(config: TransportConfig) {
    this.config = config;
    this.#ky = ky.create({
      prefix: config.baseUrl,
      retry: 0,
      // A redirect could carry the token to another host: it is reported, never followed.
      redirect: 'manual',
      ...(config.fetch ? { fetch: config.fetch } : {}),
      // Error bodies that are not valid JSON (truncated, HTML) stay available as raw text.
      parseJson: (text) => {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      },
    });
    this.#logger = config.logger && redactingLogger(config.logger, () => [this.#lastToken, ...(config.secrets?.() ?? [])]);
  }

  async send(request: HttpRequest, settings: RequestOptions = {}): Promise<HttpResult> {
    const { body, ...rest } = await this.#withReplay((used) => this.#attempts(request, settings, used, (_, pending) => pending.text(), { wholeAttempt: true }));
    return { ...rest, text: body };
  }

  /**
   * Like `send`, but resolves as soon as the headers arrive, with the body unread, for downloads.
   * Retries cover getting the response; a body that breaks off later is the caller's to resume.
   */
  stream(request: HttpRequest, settings: RequestOptions = {}): Promise<StreamResult> {
    return this.#withReplay((used) => this.#attempts(request, settings, used, (response) => Promise.resolve(response.body), { wholeAttempt: false }));
  }

  /** Runs the attempts; after a 401 with a token source that can renew, renews and runs them once more. */
  async #withReplay<T>(run: (used: Used) => Promise<T>): Promise<T> {
    const used: Used = { requestIds: [] };
    try {
      return await run(used);
    } catch (error) {
      const source = this.config.token;
      if (!(error instanceof AuthenticationError && error.status === 401 && source?.invalidate && used.token !== undefined)) throw error;
      source.invalidate(used.token);
      this.#logger?.debug('401: renewing the token and replaying once', { status: 401 });
      return await run(used);
    }
  }

  #attempts<B>(
    request: HttpRequest,
    settings: RequestOptions,
    used: Used,
    readBody: (response: Response, pending: ReturnType<KyInstance>) => Promise<B>,
    /** Whether `timeout` bounds the body too (JSON calls) or only the wait for the headers (downloads). */
    { wholeAttempt }: { wholeAttempt: boolean },
  ): Promise<{ status: number; headers: Headers; body: B; requestId: string }> {
    const timeout = settings.timeout ?? this.config.timeout;
    // Shared with a 401 replay, so the final error lists every attempt.
    const requestIds = used.requestIds;
    const path = request.path.replace(/^\/+/, '');
    const displayPath = `/${path}${request.query ? queryString(request.query) : ''}`;
    return withRetries(
      async () => {
        const requestId = randomUUID();
        requestIds.push(requestId);
        try {
          const headers = await this.#headers(request, settings, requestId, used);
          const pending = this.#ky(path, {
            method: request.method,
            searchParams: request.query,
            ...(request.body === undefined ? {} : { json: request.body }),
            ...(request.form === undefined ? {} : { body: request.form }),
            headers,
            timeout,
            // One clock for headers and body together, so a slow start cannot buy the body a second timeout.
            totalTimeout: wholeAttempt ? timeout : false,
            signal: settings.signal,
          });
          const response = await pending;
          const body = await readBody(response, pending);
          return { status: response.status, headers: response.headers, body, requestId: response.headers.get('x-request-id') ?? requestId };
        } catch (error) {
          throw toExportJobsError(error, { method: request.method, path: displayPath, requestIds, timeout });
        }
      },
      {
        maxRetries: settings.maxRetries ?? this.config.maxRetries,
        idempotent: request.idempotent,
        signal: settings.signal,
        onAttempt: ({ attempt, error, delay }) => this.#logAttempt(request.method, displayPath, attempt, error, delay),
      },
    );
  }

  async #headers(request: HttpRequest, settings: RequestOptions, requestId: string, used: Used): Promise<Headers> {
    // A Headers object, so that a caller's `Authorization` or `X-Sandbox-Name` in any case is
    // replaced by the SDK's own rather than sent beside it.
    const headers = new Headers({ accept: 'application/json' });
    for (const extra of [this.config.headers, settings.headers]) {
      for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, value);
    }
    if (this.config.token) {
      const token = await this.config.token.getToken();
      this.#lastToken = token;
      used.token = token;
      headers.set('authorization', `Bearer ${checkHeaderValue('accessToken', token)}`);
    }
    const platform = this.config.platform;
    if (platform) {
      headers.set('x-api-key', platform.apiKey);
      headers.set('x-gw-ims-org-id', platform.orgId);
      headers.set('x-sandbox-name', settings.sandboxName ?? platform.sandboxName);
    }
    headers.set('x-request-id', requestId);
    headers.set('user-agent', USER_AGENT);
    if (request.body !== undefined) headers.set('content-type', 'application/json');
    return headers;
  }

  #logAttempt(method: string, path: string, attempt: number, error: unknown, delay: number | undefined): void {
    if (!this.#logger) return;
    const status = error === undefined ? 'ok' : describeOutcome(error);
    const next = delay === undefined ? '' : `, retrying in ${delay} ms`;
    this.#logger.debug(`${method} ${path} -> ${status} (attempt ${attempt}${next})`, { method, path, status, attempt, delay });
  }
}

function describeOutcome(error: unknown): string | number {
  if (typeof error === 'object' && error !== null) {
    if ('status' in error && typeof error.status === 'number') return error.status;
    if ('name' in error && typeof error.name === 'string') return error.name;
  }
  return 'error';
}

function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
