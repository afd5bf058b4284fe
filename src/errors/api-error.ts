import { ExportJobsError } from './export-jobs-error.js';
import { readErrorResponse } from './read-error-response.js';

/** What the error factory read from a non-2xx response. */
export interface ApiErrorInit<TStatus extends number = number> {
  status: TStatus;
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
export class ApiError<TStatus extends number = number> extends ExportJobsError {
  override name = 'ApiError';
  /** The HTTP status code: a literal type on the subclasses (`NotFoundError.status` is `404`). */
  readonly status: TStatus;
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

  constructor(init: ApiErrorInit<TStatus>) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.requestIds = init.requestIds;
    this.body = init.body;
    this.headers = init.headers;
    this.retryAfter = init.retryAfter;
  }

  /**
   * The one factory from a response to an error: the subclass for the status (`NotFoundError` for
   * 404, `ServerError` for 5xx, a plain `ApiError` otherwise), with the code, request id, the
   * server's wait and a message read from any of the three AEP body shapes (or an empty, HTML or
   * truncated body).
   *
   * @example
   * ```ts
   * const error = ApiError.from(404, new Headers(), { title: 'Not Found' }, { method: 'GET', path: '/export/jobs/1', requestIds: [] });
   * error instanceof NotFoundError; // true
   * ```
   */
  static from(
    status: number,
    headers: Headers,
    body: unknown,
    context: { method: string; path: string; requestIds: readonly string[] },
  ): ApiError {
    const facts = readErrorResponse(status, headers, body, context);
    const init = {
      ...facts,
      status,
      requestIds: context.requestIds,
      body: body === '' ? undefined : body,
      headers: Object.fromEntries(headers),
    };
    switch (status) {
      case 400:
        return new BadRequestError(init as ApiErrorInit<400>);
      case 401:
        return new AuthenticationError(init as ApiErrorInit<401>);
      case 403:
        return new PermissionDeniedError(init as ApiErrorInit<403>);
      case 404:
        return new NotFoundError(init as ApiErrorInit<404>);
      case 409:
        return new ConflictError(init as ApiErrorInit<409>);
      case 429:
        return new RateLimitError(init as ApiErrorInit<429>);
      default:
        return status >= 500 ? new ServerError(init) : new ApiError(init);
    }
  }
}

/** 400: the API refused the request's content. */
export class BadRequestError extends ApiError<400> {
  override name = 'BadRequestError';
}
/** 401: the access token is missing, invalid or expired. */
export class AuthenticationError extends ApiError<401> {
  override name = 'AuthenticationError';
}
/** 403: the credentials may not do this (API key, org, sandbox or product permissions). */
export class PermissionDeniedError extends ApiError<403> {
  override name = 'PermissionDeniedError';
}
/** 404: no such export job (in this sandbox). */
export class NotFoundError extends ApiError<404> {
  override name = 'NotFoundError';
}
/** 409: the request conflicts with the job's state. */
export class ConflictError extends ApiError<409> {
  override name = 'ConflictError';
}
/** 429: too many requests. `retryAfter` says how long to wait, in ms, when the server said. */
export class RateLimitError extends ApiError<429> {
  override name = 'RateLimitError';
}
/**
 * Adobe IMS refused or failed the token request of OAuth Server-to-Server credentials: a wrong
 * client secret or id (`invalid_client`), a scope the credential lacks (`invalid_scope`), or IMS
 * failing after the retries. `status` is IMS's, `code` is IMS's `error`, and the message starts
 * with `IMS token request failed`. The API itself was not called.
 */
export class TokenRequestError extends ApiError {
  override name = 'TokenRequestError';
}
/** 500 and above: the service failed. */
export class ServerError extends ApiError {
  override name = 'ServerError';
}
