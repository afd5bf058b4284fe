import { isHTTPError, isNetworkError, isTimeoutError } from 'ky';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  type ApiErrorInit,
} from '../../errors/api-error.js';
import { ConnectionError } from '../../errors/connection-error.js';
import { TimeoutError } from '../../errors/timeout-error.js';
import { readErrorDetails } from '../../models/error-bodies.js';
import { reasonPhrase } from './reasons.js';

/** What the transport knows about the attempt that failed. */
export interface FailureContext {
  method: string;
  path: string;
  requestIds: readonly string[];
  timeout: number;
}

const SNIPPET = 200;

/**
 * The one place a failure becomes an SDK error: picks the class from the status and reads the
 * three AEP body shapes. Deliberately never keeps ky's error or the Request as `cause`: they
 * hold the outgoing headers, and so the token.
 */
export function toExportJobsError(error: unknown, context: FailureContext): unknown {
  if (isHTTPError(error)) {
    return createApiError(error.response.status, error.response.headers, error.data, context);
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

/** Builds the `ApiError` subclass for a status from its response headers and body. */
export function createApiError(status: number, headers: Headers, body: unknown, context: FailureContext): ApiError {
  const details = readErrorDetails(body);
  const headerRequestId = headers.get('x-request-id') ?? undefined;
  const sentRequestId = context.requestIds.at(-1);
  const retryAfter = parseRetryAfter(headers.get('retry-after')) ?? details.retryAfterMs;
  const init: ApiErrorInit = {
    status,
    code: details.code,
    requestId: details.requestId ?? headerRequestId ?? sentRequestId,
    requestIds: context.requestIds,
    body: body === '' ? undefined : body,
    headers: Object.fromEntries(headers),
    retryAfter,
    message: '',
  };
  const described = details.summary ?? describeBody(body, headers.get('content-type'));
  const facts = [
    init.code && `code ${init.code}`,
    init.requestId && `request id ${init.requestId}`,
    retryAfter !== undefined && `retry after ${retryAfter} ms`,
  ].filter(Boolean);
  init.message =
    `${context.method} ${context.path} -> ${status} ${reasonPhrase(status) ?? ''}`.trimEnd() +
    (described ? `: ${described}` : '') +
    (facts.length ? ` (${facts.join(', ')})` : '');
  const ErrorClass = errorClassFor(status);
  return new ErrorClass(init);
}

function errorClassFor(status: number): typeof ApiError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? ServerError : ApiError;
  }
}

/** Something readable from a body that is not one of the known shapes. */
function describeBody(body: unknown, contentType: string | null): string | undefined {
  if (body === undefined || body === null || body === '') return 'empty response body';
  if (typeof body !== 'string') return `unrecognised error body ${truncate(safeStringify(body))}`;
  if (/<html|<!doctype/i.test(body) || contentType?.includes('html')) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    const text = title || body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    return `HTML response (probably from a proxy): ${truncate(text)}`;
  }
  if (contentType?.includes('json') || /^\s*[[{]/.test(body)) return `unparseable JSON body: ${truncate(body)}`;
  return truncate(body.trim());
}

/** JSON for a message; a body too deep to serialise (a hostile or broken server) must not throw. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(too deeply nested to show)';
  }
}

const truncate = (text: string): string => (text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text);

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; `undefined` if absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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
