import { randomUUID } from 'node:crypto';
import ky, { type KyInstance } from 'ky';
import { ApiError, AuthenticationError } from '../../errors/api-error.js';
import { ExportJobsError } from '../../errors/export-jobs-error.js';
import { ResponseTooLargeError } from '../../errors/response-too-large-error.js';
import { TimeoutError } from '../../errors/timeout-error.js';
import { checkHeaders, checkHeaderValue, type RequestOptions } from '../../options.js';
import { VERSION } from '../../version.js';
import { BodyLimitExceeded, readText } from './body.js';
import { toExportJobsError, type FailureContext } from './errors.js';
import { redact, redactingLogger, type Logger } from './log.js';
import { markFinal, withRetries } from './retry.js';
import { markClean, scrubError } from './scrub.js';
import type { HttpRequest, HttpResult, StreamResult, TransportConfig, Used } from './types.js';

/**
 * The default `maxResponseBytes`: 16 MiB of decoded body. The largest real responses, a list page
 * of 100 export jobs with many segments or a Data Access listing page, are well under 1 MB, so
 * this leaves a wide margin; and it keeps the worst case of one call (the bytes, their string and
 * the parsed JSON) to some tens of megabytes, where a decompression bomb would otherwise take
 * gigabytes and end the process.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** How many recently sent tokens a transport remembers, to mask them in errors. */
const REMEMBERED_TOKENS = 8;

export type { HttpRequest, HttpResult, PlatformHeaders, StreamResult, TransportConfig } from './types.js';

export const USER_AGENT = `aep-export-jobs/${VERSION} node/${process.versions.node}`;

/** What an attempt got: the status and headers, and the body read as text or left unread. */
interface Answer<B> {
  status: number;
  headers: Headers;
  body: B;
  requestId: string;
}

/**
 * The one HTTP core: a ky instance with ky's own retry off (p-retry wraps each whole call, in
 * `withRetries`), the AEP headers, a fresh `x-request-id` per attempt, the per-attempt timeout
 * (which also bounds reading the body), and every failure mapped to an SDK error. A 401 with a
 * token source that can renew is renewed and replayed once: a 401 means nothing was acted on.
 *
 * Bodies are read here, not by ky: as a stream, with at most `maxResponseBytes` decoded bytes
 * (JSON bodies and error bodies alike), so no response can exhaust memory. Every error leaving
 * `send` or `stream` has the secrets this transport knows masked: each token it sent, and its
 * `secrets` (a client secret, the tokens IMS returned), however the server quoted them.
 */
export class Transport {
  readonly config: TransportConfig;
  readonly #ky: KyInstance;
  readonly #logger: Logger | undefined;
  readonly #maxResponseBytes: number;
  /** Tokens sent lately, newest last: a server echoing one must not put it in an error. */
  readonly #sentTokens = new Set<string>();

  constructor(config: TransportConfig) {
    this.config = config;
    this.#maxResponseBytes = config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#ky = ky.create({
      prefix: config.baseUrl,
      retry: 0,
      // The transport keeps the clock (it reads the bodies itself) and reads error bodies itself,
      // bounded: ky's own read of an error body is not.
      timeout: false,
      throwHttpErrors: false,
      // A redirect could carry the token to another host: it is reported, never followed.
      redirect: 'manual',
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
    this.#logger = config.logger && redactingLogger(config.logger, () => this.#secrets());
  }

  async send(request: HttpRequest, settings: RequestOptions = {}): Promise<HttpResult> {
    try {
      const { body, ...rest } = await this.#withReplay((used) => this.#attempts(request, settings, used, 'text'));
      return { ...rest, text: body as string, scrub: (error) => this.#scrub(error) };
    } catch (error) {
      throw this.#scrub(error);
    }
  }

  /**
   * Like `send`, but resolves as soon as the headers arrive, with the body unread, for downloads.
   * Retries cover getting the response; a body that breaks off later is the caller's to resume.
   * An error status's body is read (bounded) for the error, as in `send`.
   */
  async stream(request: HttpRequest, settings: RequestOptions = {}): Promise<StreamResult> {
    try {
      const answer = await this.#withReplay((used) => this.#attempts(request, settings, used, 'stream'));
      return answer as Answer<ReadableStream<Uint8Array> | null>;
    } catch (error) {
      throw this.#scrub(error);
    }
  }

  /** The secrets to mask: the tokens sent lately and the configured ones. */
  #secrets(): Array<string | undefined> {
    return [...this.#sentTokens, ...(this.config.secrets?.() ?? [])];
  }

  /** Masks the known secrets in an SDK error; anything else (a caller's abort reason) is not ours to change. */
  #scrub<E>(error: E): E {
    return error instanceof ExportJobsError ? scrubError(error, this.#secrets()) : error;
  }

  #remember(token: string): void {
    this.#sentTokens.delete(token);
    this.#sentTokens.add(token);
    if (this.#sentTokens.size > REMEMBERED_TOKENS) this.#sentTokens.delete(this.#sentTokens.values().next().value!);
  }

  /** Runs the attempts; after a 401 with a token source that can renew, renews and runs them once more. */
  async #withReplay<T>(run: (used: Used) => Promise<T>): Promise<T> {
    const used: Used = { requestIds: [] };
    try {
      return await run(used);
    } catch (error) {
      const source = this.config.token;
      if (!(
        error instanceof AuthenticationError &&
        error.status === 401 &&
        source?.invalidate &&
        used.token !== undefined
      ))
        throw error;
      source.invalidate(used.token);
      this.#logger?.debug('401: renewing the token and replaying once', { status: 401 });
      return await run(used);
    }
  }

  #attempts(
    request: HttpRequest,
    settings: RequestOptions,
    used: Used,
    /** `text`: read the body within the timeout (JSON calls); `stream`: hand it over unread (downloads). */
    mode: 'text' | 'stream',
  ): Promise<Answer<string | ReadableStream<Uint8Array> | null>> {
    const timeout = settings.timeout ?? this.config.timeout;
    // Shared with a 401 replay, so the final error lists every attempt.
    const requestIds = used.requestIds;
    const path = request.path.replace(/^\/+/, '');
    const displayPath = `/${path}${request.query ? queryString(request.query) : ''}`;
    return withRetries(
      async () => {
        const requestId = randomUUID();
        requestIds.push(requestId);
        const context: FailureContext = { method: request.method, path: displayPath, requestIds, timeout };
        // One clock per attempt for the headers and the body together, so a slow start cannot buy
        // the body a second timeout. Aborting it also drops the connection.
        const clock = new AbortController();
        let timedOut = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          const headers = await this.#headers(request, settings, requestId, used);
          timer = setTimeout(() => {
            timedOut = true;
            clock.abort();
          }, timeout);
          const signal = settings.signal ? AbortSignal.any([settings.signal, clock.signal]) : clock.signal;
          const response = await this.#ky(path, {
            method: request.method,
            searchParams: request.query,
            ...(request.body === undefined ? {} : { json: request.body }),
            ...(request.form === undefined ? {} : { body: request.form }),
            headers,
            signal,
          });
          const answer = {
            status: response.status,
            headers: response.headers,
            requestId: response.headers.get('x-request-id') ?? requestId,
          };
          if (!response.ok) throw await this.#errorFrom(response, answer, signal, clock, context);
          if (mode === 'stream') return { ...answer, body: response.body };
          return { ...answer, body: await this.#readBody(response, answer, signal, clock, context) };
        } catch (error) {
          if (error instanceof ExportJobsError) throw error;
          if (timedOut && !settings.signal?.aborted) {
            throw new TimeoutError(`${context.method} ${context.path} timed out after ${timeout} ms`, {
              timeout,
              requestIds,
            });
          }
          throw toExportJobsError(error, context);
        } finally {
          clearTimeout(timer);
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

  /** A 2xx body as text, at most `maxResponseBytes` decoded bytes. */
  async #readBody(
    response: Response,
    answer: Omit<Answer<unknown>, 'body'>,
    signal: AbortSignal,
    clock: AbortController,
    context: FailureContext,
  ): Promise<string> {
    try {
      return await readText(response.body, this.#maxResponseBytes, signal);
    } catch (error) {
      if (error instanceof BodyLimitExceeded) throw this.#tooLarge(answer, clock, context);
      throw error;
    }
  }

  /**
   * The error for a non-2xx response, from its body read like any other (bounded, within the
   * attempt's clock) with the known secrets masked before it is parsed, so that no message,
   * snippet or field can quote them.
   */
  async #errorFrom(
    response: Response,
    answer: Omit<Answer<unknown>, 'body'>,
    signal: AbortSignal,
    clock: AbortController,
    context: FailureContext,
  ): Promise<ExportJobsError> {
    let text = '';
    try {
      text = await readText(response.body, this.#maxResponseBytes, signal);
    } catch (error) {
      if (error instanceof BodyLimitExceeded) return this.#tooLarge(answer, clock, context);
      if (signal.aborted) throw error;
      // The body broke off or could not be decoded: the status still says what happened.
    }
    const secrets = this.#secrets();
    const body = markClean(parseErrorBody(redact(text, secrets), response.headers));
    return ApiError.from(response.status, redactedHeaders(response.headers, secrets), body, context);
  }

  #tooLarge(
    answer: Omit<Answer<unknown>, 'body'>,
    clock: AbortController,
    context: FailureContext,
  ): ResponseTooLargeError {
    // The body was cancelled; aborting the attempt makes sure the connection goes with it.
    clock.abort();
    const limit = this.#maxResponseBytes;
    return new ResponseTooLargeError(
      `${context.method} ${context.path} -> ${answer.status}: the response body is larger than maxResponseBytes ` +
        `(${limit} bytes, counted after decompression); stopped reading and closed the connection ` +
        `(request id ${answer.requestId})`,
      { limit, status: answer.status, requestId: answer.requestId, requestIds: context.requestIds },
    );
  }

  async #headers(request: HttpRequest, settings: RequestOptions, requestId: string, used: Used): Promise<Headers> {
    // A Headers object, so that a caller's `Authorization` or `X-Sandbox-Name` in any case is
    // replaced by the SDK's own rather than sent beside it. Every name and value is checked first:
    // undici's own error for a bad one quotes it, and the value may be a secret.
    const headers = new Headers({ accept: 'application/json' });
    for (const [option, extra] of [
      ['defaultHeaders', this.config.headers],
      ['headers', settings.headers],
    ] as const) {
      if (extra === undefined) continue;
      checkHeaders(option, extra);
      for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    }
    if (this.config.token) {
      let token: string;
      try {
        token = await this.config.token.getToken({ signal: settings.signal });
      } catch (error) {
        // The token source has its own retries (OAuthTokenProvider retries IMS): retrying the
        // call on top would multiply the requests to IMS.
        throw markFinal(error);
      }
      // Remembered before it is checked: a refused token is still a secret to mask.
      this.#remember(token);
      used.token = token;
      headers.set('authorization', `Bearer ${checkHeaderValue('accessToken', token)}`);
    }
    const platform = this.config.platform;
    if (platform) {
      headers.set('x-api-key', checkHeaderValue('apiKey', platform.apiKey));
      headers.set('x-gw-ims-org-id', checkHeaderValue('orgId', platform.orgId));
      headers.set('x-sandbox-name', checkHeaderValue('sandboxName', settings.sandboxName ?? platform.sandboxName));
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
    this.#logger.debug(`${method} ${path} -> ${status} (attempt ${attempt}${next})`, {
      method,
      path,
      status,
      attempt,
      delay,
    });
  }
}

/** An error body as `ApiError.from` takes it: parsed JSON when it says JSON and parses, else the text. */
function parseErrorBody(text: string, headers: Headers): unknown {
  if (text === '') return undefined;
  const mimeType = (headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (!/\/(?:.*[.+-])?json$/.test(mimeType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Truncated or not JSON after all: kept as raw text.
    return text;
  }
}

/** The response headers with the known secrets masked in the values (a proxy echoing `Authorization`). */
function redactedHeaders(headers: Headers, secrets: Array<string | undefined>): Headers {
  const safe = new Headers();
  for (const [name, value] of headers) {
    // A name quoting a secret cannot be masked (brackets are not allowed in a name): it is dropped.
    if (redact(name, secrets) === name) safe.append(name, redact(value, secrets));
  }
  return safe;
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
