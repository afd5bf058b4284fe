import { isNetworkError, isTimeoutError } from 'ky';
import { ConnectionError } from '../../errors/connection-error.js';
import { ExportJobsError } from '../../errors/export-jobs-error.js';
import { TimeoutError } from '../../errors/timeout-error.js';

/** What the transport knows about the attempt that failed. */
export interface FailureContext {
  method: string;
  path: string;
  requestIds: readonly string[];
  timeout: number;
}

/**
 * The one place a failed attempt without an HTTP status becomes an SDK error (the transport maps
 * statuses itself, with `ApiError.from`): timeouts and network failures become `TimeoutError` and
 * `ConnectionError`, a body that broke off or could not be decoded a `ConnectionError`, and
 * anything else (a custom `fetch` throwing) a `ConnectionError` too, so nothing raw escapes.
 * Deliberately never keeps ky's error or the Request as `cause`: they hold the outgoing headers,
 * and so the token.
 */
export function toExportJobsError(error: unknown, context: FailureContext): ExportJobsError {
  if (error instanceof ExportJobsError) return error;
  if (isTimeoutError(error)) {
    return new TimeoutError(`${context.method} ${context.path} timed out after ${context.timeout} ms`, {
      timeout: context.timeout,
      requestIds: context.requestIds,
    });
  }
  if (isNetworkError(error)) {
    const cause = error.cause;
    const code = systemErrorCode(cause);
    const reason = code ?? (cause instanceof Error ? cause.message : 'network error');
    return new ConnectionError(`${context.method} ${context.path} failed: no response (${reason})`, {
      code,
      requestIds: context.requestIds,
      cause: safeCause(cause),
    });
  }
  if (isBrokenBody(error)) {
    const code = systemErrorCode(error);
    // zlib's codes (`Z_DATA_ERROR`, brotli's `ERR__ERROR_FORMAT_...`): the body came but its encoding was corrupt.
    const what = /^Z_|^ERR__|BROTLI/.test(code ?? '')
      ? `the response body could not be decoded (${code}: ${innermostMessage(error)})`
      : `the response broke off (${code ?? (error as Error).message})`;
    return new ConnectionError(`${context.method} ${context.path} failed: ${what}`, {
      code,
      requestIds: context.requestIds,
      cause: safeCause(error),
    });
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ConnectionError(`${context.method} ${context.path} failed: ${reason.slice(0, 200)}`, {
    code: systemErrorCode(error),
    requestIds: context.requestIds,
    cause: safeCause(error),
  });
}

/** The message of the deepest `cause` (the zlib error under undici's `terminated`). */
function innermostMessage(error: unknown, depth = 0): string {
  if (depth < 5 && error instanceof Error && error.cause instanceof Error)
    return innermostMessage(error.cause, depth + 1);
  return error instanceof Error ? error.message : String(error);
}

/**
 * undici's failure while reading a body that was cut off: a `TypeError('terminated')` whose cause
 * is the socket error. ky wraps only failures before the response as `NetworkError`.
 */
function isBrokenBody(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    (error.message === 'terminated' || /^UND_ERR_|^E[A-Z]+$/.test(systemErrorCode(error) ?? ''))
  );
}

/** The first system error code (`ECONNRESET`...) in an error's cause chain. */
export function systemErrorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  if ('errors' in error && Array.isArray(error.errors)) {
    for (const inner of error.errors) {
      const code = systemErrorCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return 'cause' in error ? systemErrorCode(error.cause, depth + 1) : undefined;
}

/** The system error behind a network failure, cut loose from anything request-shaped. */
function safeCause(cause: unknown): Error | undefined {
  if (!(cause instanceof Error)) return undefined;
  const copy = new Error(cause.message);
  const code = systemErrorCode(cause);
  if (code) Object.assign(copy, { code });
  return copy;
}
