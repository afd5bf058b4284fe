import { ExportJobsError } from './export-jobs-error.js';

/**
 * A response body was larger than the client's `maxResponseBytes` (counted after gzip or brotli
 * decoding): the SDK stopped reading at the limit and dropped the connection. Real responses are
 * far below the default, so this means a misbehaving server or proxy (or a decompression bomb);
 * it is never retried, since the same server would send the same body again. Raise
 * `maxResponseBytes` only if you expect such bodies.
 *
 * @example
 * ```ts
 * try {
 *   await client.listExportJobs();
 * } catch (error) {
 *   if (error instanceof ResponseTooLargeError) console.error(`body over ${error.limit} bytes`);
 * }
 * ```
 */
export class ResponseTooLargeError extends ExportJobsError {
  override name = 'ResponseTooLargeError';
  /** The limit that was passed, in decoded bytes. */
  readonly limit: number;
  /** The HTTP status of the response whose body was too large. */
  readonly status: number;
  /** The response's `x-request-id`, else the one sent. */
  readonly requestId: string | undefined;
  /** The `x-request-id` of every attempt, first to last. */
  readonly requestIds: readonly string[];

  constructor(
    message: string,
    options: { limit: number; status: number; requestId?: string | undefined; requestIds?: readonly string[] },
  ) {
    super(message);
    this.limit = options.limit;
    this.status = options.status;
    this.requestId = options.requestId;
    this.requestIds = options.requestIds ?? [];
  }
}
