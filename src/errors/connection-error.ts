import { ExportJobsError } from './export-jobs-error.js';

/**
 * No HTTP response was received: the connection was refused, reset or dropped, or DNS failed.
 * `code` is the system error code when Node gives one (`ECONNREFUSED`, `ECONNRESET`, ...).
 * Retried for reads and cancels; retried for `createExportJob` only when the request provably
 * never reached a server (connection refused, DNS failure: `ECONNREFUSED`, `ENOTFOUND`,
 * `EAI_AGAIN`), since then it cannot have acted on it.
 */
export class ConnectionError extends ExportJobsError {
  override name = 'ConnectionError';
  /** The system error code, when known. */
  readonly code: string | undefined;
  /** The `x-request-id` of every attempt, first to last. */
  readonly requestIds: readonly string[];

  constructor(
    message: string,
    options: { code?: string | undefined; requestIds?: readonly string[]; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.requestIds = options.requestIds ?? [];
  }
}
