import type { ExportJobsClient, RequestOptions } from './client.js';
import { PaginationError } from './errors/pagination-error.js';
import type { ExportJob } from './models/export-job.js';
import type { ExportJobList, ListExportJobsQuery } from './models/list.js';

/** Options of {@link paginateExportJobs}: bounds, a resume point, and the per-request options. */
export interface PaginateOptions extends RequestOptions {
  /** Stop after this many pages. */
  maxPages?: number;
  /** Stop after this many jobs (no further page is fetched once reached). */
  maxItems?: number;
  /**
   * Resume from this `link.next` (as carried by `PaginationError.cursor` or `page.link.next`)
   * instead of fetching the first page with the query.
   */
  cursor?: string;
}

/** One page as pagination yields it: the API's page, plus the cursor that produced it. */
export interface ExportJobPage extends ExportJobList {
  /** The `link.next` this page was fetched from; `undefined` for the first page (fetched with the query). */
  cursor: string | undefined;
  /** 1 for the first page read by this iteration, then 2, 3... */
  number: number;
}

/**
 * Every export job across pages, newest first, following `link.next` exactly as the server gives
 * it. Iterate it for jobs, call `pages()` for pages, `toArray({ maxItems })` to collect, or await it
 * for the first page. One page is held at a time.
 *
 * It stops when `link.next` is empty or absent or a page has no records. A `link.next` that is
 * not a same-origin relative link to the listing is refused (the token is never sent elsewhere),
 * and one that repeats a cursor throws instead of looping. A failure part-way throws
 * `PaginationError` after the jobs already yielded, with the `cursor` to resume from.
 *
 * Note: it is a thenable (awaiting it gives the first page), so return it from an `async`
 * function inside an object, not bare, or it will be awaited for you.
 *
 * @example
 * ```ts
 * for await (const job of paginateExportJobs(client, { status: 'SUCCEEDED', limit: 100 })) {
 *   console.log(job.id, job.destination.datasetId);
 * }
 * const recent = await paginateExportJobs(client).toArray({ maxItems: 500 });
 * ```
 */
export function paginateExportJobs(client: ExportJobsClient, query: ListExportJobsQuery = {}, options: PaginateOptions = {}): ExportJobPaginator {
  return new ExportJobPaginator(client, query, options);
}

/** The object {@link paginateExportJobs} returns. */
export class ExportJobPaginator implements AsyncIterable<ExportJob>, PromiseLike<ExportJobPage> {
  readonly #client: ExportJobsClient;
  readonly #query: ListExportJobsQuery;
  readonly #options: PaginateOptions;

  constructor(client: ExportJobsClient, query: ListExportJobsQuery, options: PaginateOptions) {
    for (const bound of ['maxPages', 'maxItems'] as const) {
      const value = options[bound];
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new RangeError(`${bound} must be a positive integer, got ${value}`);
    }
    this.#client = client;
    this.#query = query;
    this.#options = options;
  }

  /**
   * Each page in turn, with its records and the cursor that produced it. Stops after `maxPages`
   * pages, or after the page that reaches `maxItems` records.
   */
  async *pages(): AsyncGenerator<ExportJobPage, void, undefined> {
    const { maxPages, maxItems, cursor: start, ...requestOptions } = this.#options;
    const followed = new RecentCursors();
    let link = start;
    if (link !== undefined) followed.add(cursorKey(link));
    let pages = 0;
    let items = 0;
    while (maxPages === undefined || pages < maxPages) {
      let list: ExportJobList;
      try {
        list = link === undefined ? await this.#client.listExportJobs(this.#query, requestOptions) : await this.#client.getExportJobsPage(link, requestOptions);
      } catch (error) {
        if (requestOptions.signal?.aborted) throw requestOptions.signal.reason;
        const where = link === undefined ? 'the first page' : `page ${pages + 1} (${link})`;
        throw new PaginationError(`Listing export jobs failed at ${where} after ${items} jobs: ${error instanceof Error ? error.message : String(error)}`, {
          cursor: link,
          pages,
          items,
          cause: error,
        });
      }
      pages++;
      items += list.records.length;
      yield { ...list, cursor: link, number: pages };
      const next = list.link.next;
      if (!next || list.records.length === 0 || (maxItems !== undefined && items >= maxItems)) return;
      const key = cursorKey(next);
      if (followed.has(key)) {
        throw new PaginationError(`link.next repeats a cursor already followed (${next}); stopping instead of looping`, { cursor: next, pages, items });
      }
      followed.add(key);
      link = next;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ExportJob, void, undefined> {
    const { maxItems } = this.#options;
    let count = 0;
    for await (const page of this.pages()) {
      for (const job of page.records) {
        count++;
        yield job;
        // Checked after yielding, so reaching maxItems on a page boundary fetches no further page.
        if (maxItems !== undefined && count >= maxItems) return;
      }
    }
  }

  /**
   * Collects jobs into an array. `maxItems` is required, so that an unexpectedly long listing
   * cannot exhaust memory.
   */
  async toArray({ maxItems }: { maxItems: number }): Promise<ExportJob[]> {
    if (!(Number.isInteger(maxItems) && maxItems > 0)) throw new RangeError(`toArray needs maxItems, a positive integer; got ${maxItems}`);
    const jobs: ExportJob[] = [];
    for await (const job of this) {
      jobs.push(job);
      if (jobs.length >= maxItems) break;
    }
    return jobs;
  }

  /** Awaiting the paginator gives its first page. */
  then<TResult1 = ExportJobPage, TResult2 = never>(
    onfulfilled?: ((value: ExportJobPage) => TResult1 | PromiseLike<TResult1>) | null,
    onrejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.#firstPage().then(onfulfilled, onrejected);
  }

  async #firstPage(): Promise<ExportJobPage> {
    const pages = this.pages();
    const first = await pages.next();
    await pages.return();
    if (first.done) throw new RangeError('no page was read');
    return first.value;
  }
}

/**
 * The last cursors followed, to catch a `link.next` that loops back. Bounded, so memory stays flat
 * however long the listing: a loop longer than this many pages is not caught (`maxPages` bounds it).
 */
class RecentCursors {
  static readonly SIZE = 100;
  readonly #cursors = new Set<string>();

  has(cursor: string): boolean {
    return this.#cursors.has(cursor);
  }

  add(cursor: string): void {
    this.#cursors.add(cursor);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.#cursors.size > RecentCursors.SIZE) this.#cursors.delete(this.#cursors.values().next().value!);
  }
}

/** A link's cursor (its `offset`), or the whole link when it has none. */
function cursorKey(link: string): string {
  const query = link.split('?')[1];
  return (query && new URLSearchParams(query).get('offset')) || link;
}
