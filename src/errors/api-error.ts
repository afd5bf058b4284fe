import { ExportJobsError } from './export-jobs-error.js';

/** What the error factory read from a non-2xx response. */
export interface ApiErrorInit {
  status: number;
  message: string;
  code: string | undefined;
  requestId: string | undefined;
  requestIds: readonly string[];
  body: unknown;
  headers: Record<string, string>;
  retryAfter: number | undefined;
}

/**
 * The API answered with an error status. Subclasses name the common statuses; any other status
 * (a 3xx that was not followed, a 418...) is a plain `ApiError`.
 *
 * The message reads the three AEP error body shapes (gateway `error_code`, Segmentation Service
 * `errors`, platform problem `title`/`detail`) and copes with empty, HTML and truncated bodies.
 *
 * @example
 * ```ts
 * try {
 *   await client.getExportJob(123);
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.log('no such job', error.requestId);
 *   else if (error instanceof ApiError) console.log(error.status, error.code, error.body);
 *   else throw error;
 * }
 * ```
 */
export class ApiError extends ExportJobsError {
  override name = 'ApiError';
  /** The HTTP status code. */
  readonly status: number;
  /** Adobe's error code (`401013`, `UPAPI-113430-404`...), when the body carries one. */
  readonly code: string | undefined;
  /** The request id from the body or the response headers, else the `x-request-id` sent. */
  readonly requestId: string | undefined;
  /** The `x-request-id` sent with each attempt, first to last. */
  readonly requestIds: readonly string[];
  /** The response body: parsed JSON, or the raw text when it was not JSON; `undefined` when empty. */
  readonly body: unknown;
  /** The response headers, lower-cased. */
  readonly headers: Record<string, string>;
  /** How long the server asked the caller to wait (`Retry-After` or a body `retryAfterMs`), in ms. */
  readonly retryAfter: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.requestIds = init.requestIds;
    this.body = init.body;
    this.headers = init.headers;
    this.retryAfter = init.retryAfter;
  }
}

/** 400: the API refused the request's content. */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
/** 401: the access token is missing, invalid or expired. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
/** 403: the credentials may not do this (API key, org, sandbox or product permissions). */
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
}
/** 404: no such export job (in this sandbox). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
/** 409: the request conflicts with the job's state. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}
/** 429: too many requests. `retryAfter` says how long to wait, in ms, when the server said. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
}
/** 500 and above: the service failed. */
export class ServerError extends ApiError {
  override name = 'ServerError';
}
