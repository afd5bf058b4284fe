import { randomUUID } from 'node:crypto';
import ky, { type KyInstance } from 'ky';
import { VERSION } from '../version.js';
import { toExportJobsError } from './errors.js';
import { redactingLogger, type Logger } from './log.js';
import { withRetries } from './retry.js';

/** The resolved settings one transport sends with. Internal: the client builds it from its options. */
export interface TransportConfig {
  baseUrl: string;
  token: () => Promise<string>;
  apiKey: string;
  orgId: string;
  sandboxName: string;
  timeout: number;
  maxRetries: number;
  fetch?: ((input: Request | URL | string, init?: RequestInit) => Promise<Response>) | undefined;
  logger?: Logger | undefined;
  headers?: Record<string, string> | undefined;
}

/** Per-call settings, the public `RequestOptions` resolved. */
export interface CallSettings {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  sandboxName?: string | undefined;
  headers?: Record<string, string> | undefined;
  maxRetries?: number | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to the base URL, may carry a query string (`export/jobs/?limit=2&offset=...`). */
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  /** Whether the server may safely see the request twice (GET, DELETE). */
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

export const USER_AGENT = `aep-export-jobs/${VERSION} node/${process.versions.node}`;

/**
 * The one HTTP core: a ky instance with ky's own retry off (p-retry wraps each whole call, in
 * `withRetries`), the AEP headers, a fresh `x-request-id` per attempt, the per-attempt timeout
 * (which also bounds reading the body), and every failure mapped to an SDK error.
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
    this.#logger = config.logger && redactingLogger(config.logger, () => [this.#lastToken]);
  }

  /** A transport with the same connection settings and some overridden. */
  with(overrides: Partial<TransportConfig>): Transport {
    return new Transport({ ...this.config, ...overrides });
  }

  async send(request: HttpRequest, settings: CallSettings = {}): Promise<HttpResult> {
    const timeout = settings.timeout ?? this.config.timeout;
    const requestIds: string[] = [];
    const path = request.path.replace(/^\/+/, '');
    const displayPath = `/${path}${request.query ? queryString(request.query) : ''}`;
    return withRetries(
      async () => {
        const requestId = randomUUID();
        requestIds.push(requestId);
        try {
          const headers = await this.#headers(request, settings, requestId);
          const pending = this.#ky(path, {
            method: request.method,
            searchParams: request.query,
            ...(request.body === undefined ? {} : { json: request.body }),
            headers,
            timeout,
            signal: settings.signal,
          });
          const response = await pending;
          const text = await pending.text();
          return { status: response.status, headers: response.headers, text, requestId: response.headers.get('x-request-id') ?? requestId };
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

  async #headers(request: HttpRequest, settings: CallSettings, requestId: string): Promise<Record<string, string>> {
    const token = await this.config.token();
    this.#lastToken = token;
    return {
      ...this.config.headers,
      ...settings.headers,
      accept: 'application/json',
      authorization: `Bearer ${token}`,
      'x-api-key': this.config.apiKey,
      'x-gw-ims-org-id': this.config.orgId,
      'x-sandbox-name': settings.sandboxName ?? this.config.sandboxName,
      'x-request-id': requestId,
      'user-agent': USER_AGENT,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
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
