import { isHTTPError, isNetworkError, isTimeoutError } from 'ky';
import { ApiError } from '../../errors/api-error.js';
import { ConnectionError } from '../../errors/connection-error.js';
import { TimeoutError } from '../../errors/timeout-error.js';

/** What the transport knows about the attempt that failed. */
export interface FailureContext {
  method: string;
  path: string;
  requestIds: readonly string[];
  timeout: number;
}

/**
 * The one place a failed attempt becomes an SDK error: an HTTP status goes to `ApiError.from`
 * (which picks the class and reads the three AEP body shapes); timeouts and network failures
 * become `TimeoutError` and `ConnectionError`. Deliberately never keeps ky's error or the Request as `cause`: they
 * hold the outgoing headers, and so the token.
 */
export function toExportJobsError(error: unknown, context: FailureContext): unknown {
  if (isHTTPError(error)) {
    return ApiError.from(error.response.status, error.response.headers, error.data, context);
  }
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
    return new ConnectionError(`${context.method} ${context.path} failed: the response broke off (${code ?? (error as Error).message})`, {
      code,
      requestIds: context.requestIds,
      cause: safeCause(error),
    });
  }
  return error;
}

/**
 * undici's failure while reading a body that was cut off: a `TypeError('terminated')` whose cause
 * is the socket error. ky wraps only failures before the response as `NetworkError`.
 */
function isBrokenBody(error: unknown): boolean {
  return error instanceof TypeError && (error.message === 'terminated' || /^UND_ERR_|^E[A-Z]+$/.test(systemErrorCode(error) ?? ''));
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
