import { ExportJobsError } from './export-jobs-error.js';

/**
 * Pagination stopped part-way: a page request failed, `link.next` pointed somewhere the SDK will
 * not send credentials, or it repeated a cursor already followed. The jobs before it have
 * already been yielded; `cursor` is where to resume (pass it as `cursor` to `paginateExportJobs`),
 * and `cause` is the underlying error (a `RateLimitError`, a `ConnectionError`...).
 *
 * @example
 * ```ts
 * try {
 *   for await (const job of paginateExportJobs(client)) save(job);
 * } catch (error) {
 *   if (error instanceof PaginationError) resumeLater(error.cursor);
 *   else throw error;
 * }
 * ```
 */
export class PaginationError extends ExportJobsError {
  override name = 'PaginationError';
  /** The `link.next` to resume from; `undefined` when the first page failed. */
  readonly cursor: string | undefined;
  /** How many pages were read before the failure. */
  readonly pages: number;
  /** How many jobs were yielded before the failure. */
  readonly items: number;

  constructor(message: string, options: { cursor: string | undefined; pages: number; items: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.cursor = options.cursor;
    this.pages = options.pages;
    this.items = options.items;
  }
}
