import { ConfigurationError } from './errors/configuration-error.js';
import { PaginationError } from './errors/pagination-error.js';
import { RequestValidationError } from './errors/request-validation-error.js';
import type { ExportJob } from './models/export-job.js';
import type { ExportJobList, ListExportJobsQuery } from './models/list.js';
import { checkPositiveInteger, checkRequestOptions, type RequestOptions } from './options.js';

/**
 * Options of `listExportJobs`: the per-call options, bounds on how far iteration goes, and a
 * resume point.
 *
 * @example
 * ```ts
 * const jobs = client.listExportJobs({ status: 'SUCCEEDED' }, { maxItems: 500, timeout: 10_000 });
 * ```
 */
export interface ListOptions extends RequestOptions {
  /** Iterate at most this many pages. */
  maxPages?: number;
  /** Iterate at most this many jobs (no further page is fetched once reached). */
  maxItems?: number;
  /**
   * Start from this `link.next` (as carried by `PaginationError.cursor` or `page.link.next`)
   * instead of the first page of the query.
   */
  cursor?: string;
}

/** Reads one page: the first of the query (`link` undefined), or the one a `link.next` names. */
export type PageFetcher = (link: string | undefined, options: RequestOptions) => Promise<ExportJobList>;

/** What every page of one listing shares: how to fetch, the options, and the bounds. */
interface Listing {
  readonly fetch: PageFetcher;
  readonly options: RequestOptions;
  readonly maxPages: number | undefined;
  readonly maxItems: number | undefined;
}

/**
 * The cursors a page was reached through, to catch a `link.next` that loops back. Bounded, so
 * memory stays flat however long the listing: a loop longer than this many pages is not caught
 * (`maxPages` bounds it). Each page keeps its own copy, so asking a page for its next page twice
 * is not mistaken for a loop.
 */
const RECENT_CURSORS = 100;

/**
 * One page of export jobs, newest first: the API's `records`, `page` and `link`, plus the way on.
 * Iterating a page yields its jobs and every later page's (within the listing's bounds).
 *
 * @example
 * ```ts
 * let page = await client.listExportJobs({ limit: 50 });
 * for (;;) {
 *   for (const job of page.records) console.log(job.id);
 *   if (!page.hasNextPage()) break;
 *   page = await page.getNextPage();
 * }
 * ```
 */
export class ExportJobPage implements AsyncIterable<ExportJob> {
  /** The jobs of this page. */
  declare readonly records: ExportJob[];
  /** The API's page metadata (informational). */
  declare readonly page: ExportJobList['page'];
  /** `next`: the relative URL of the next page; empty or absent on the last. */
  declare readonly link: ExportJobList['link'];
  readonly #listing: Listing;
  readonly #cursor: string | undefined;
  readonly #number: number;
  readonly #itemsSoFar: number;
  readonly #seen: ReadonlySet<string>;

  /** @internal Pages are made by `listExportJobs`. */
  constructor(
    list: ExportJobList,
    listing: Listing,
    position: { cursor: string | undefined; number: number; itemsBefore: number; seen: ReadonlySet<string> },
  ) {
    // The page's own fields are the API's, unknown ones included, so it serialises as the API sent it.
    Object.assign(this, list);
    this.#listing = listing;
    this.#cursor = position.cursor;
    this.#number = position.number;
    this.#itemsSoFar = position.itemsBefore + list.records.length;
    this.#seen = position.seen;
  }

  /** The `link.next` this page was fetched from; `undefined` for the first page of a query. */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  /** 1 for the first page of this listing, then 2, 3... */
  get number(): number {
    return this.#number;
  }

  /** Jobs on this page and the pages before it in this listing. */
  get itemsSoFar(): number {
    return this.#itemsSoFar;
  }

  /**
   * Whether there is a page after this one to read: `link.next` is set, this page had records,
   * and neither `maxPages` nor `maxItems` is reached.
   */
  hasNextPage(): boolean {
    const { maxPages, maxItems } = this.#listing;
    if (!this.link.next || this.records.length === 0) return false;
    if (maxPages !== undefined && this.number >= maxPages) return false;
    return maxItems === undefined || this.itemsSoFar < maxItems;
  }

  /**
   * Reads the next page through `link.next`, exactly as the server gave it. Only a same-origin
   * relative link to the listing is followed (anything else rejects with `UnsafeResponseError`);
   * a link that repeats a cursor already followed rejects with `PaginationError` instead of looping.
   * Rejects with `RangeError` when {@link hasNextPage} is false.
   */
  async getNextPage(): Promise<ExportJobPage> {
    const next = this.link.next;
    if (!next || !this.hasNextPage()) throw new RangeError('There is no next page: check hasNextPage() first');
    const key = cursorKey(next);
    if (this.#seen.has(key)) {
      throw new PaginationError(`link.next repeats a cursor already followed (${next}); stopping instead of looping`, {
        cursor: next,
        pages: this.number,
        items: this.itemsSoFar,
      });
    }
    const seen = new Set(this.#seen).add(key);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (seen.size > RECENT_CURSORS) seen.delete(seen.values().next().value!);
    const list = await this.#listing.fetch(next, this.#listing.options);
    return new ExportJobPage(list, this.#listing, {
      cursor: next,
      number: this.number + 1,
      itemsBefore: this.itemsSoFar,
      seen,
    });
  }

  /**
   * This page, then each later page in turn. A failure part-way throws `PaginationError` with the
   * `cursor` to resume from (`listExportJobs(query, { cursor })`), after the pages already yielded.
   */
  pages(): AsyncGenerator<ExportJobPage, void, undefined> {
    return walkPages(this, this.#listing.options.signal);
  }

  /** Every job from this page on, within `maxItems`. */
  [Symbol.asyncIterator](): AsyncGenerator<ExportJob, void, undefined> {
    const before = this.itemsSoFar - this.records.length;
    return walkJobs(this.pages(), before, this.#listing.maxItems);
  }
}

// The walks are free functions, not generator methods: a generator method keeps its `this` (the
// page it started from) alive until it ends, so a long listing would hold its first page throughout.

/** Pages from `page` on; the walk holds only the page it is on. */
async function* walkPages(
  page: ExportJobPage,
  signal: AbortSignal | undefined,
): AsyncGenerator<ExportJobPage, void, undefined> {
  yield page;
  while (page.hasNextPage()) {
    try {
      page = await page.getNextPage();
    } catch (error) {
      throw paginationFailure(error, signal, page.link.next, page.number, page.itemsSoFar);
    }
    yield page;
  }
}

/** The jobs of `pages`, `before` of the listing's jobs having come before them, within `maxItems`. */
async function* walkJobs(
  pages: AsyncIterable<ExportJobPage>,
  before: number,
  maxItems: number | undefined,
): AsyncGenerator<ExportJob, void, undefined> {
  let count = before;
  for await (const page of pages) {
    for (const job of page.records) {
      // Checked before yielding, so reaching maxItems on a page boundary fetches no further page.
      if (maxItems !== undefined && count >= maxItems) return;
      count++;
      yield job;
    }
  }
}

/** What the first page's walk gives (its pages or its jobs), once it has come; `first` is let go at once. */
async function* fromFirst<T>(
  first: Promise<ExportJobPage> | undefined,
  options: ListOptions,
  walk: (page: ExportJobPage) => AsyncGenerator<T, void, undefined>,
): AsyncGenerator<T, void, undefined> {
  let rest: AsyncGenerator<T, void, undefined>;
  try {
    rest = walk(await first!);
  } catch (error) {
    throw paginationFailure(error, options.signal, options.cursor, 0, 0);
  }
  // eslint-disable-next-line no-useless-assignment -- lets the first page go while the walk goes on
  first = undefined;
  yield* rest;
}

/**
 * What `listExportJobs` returns: await it for the first page, or iterate it for every job across
 * pages, newest first, one page in memory at a time. The first page is requested at once, like
 * any call, and read once however it is used.
 *
 * A `link.next` that is not a same-origin relative link to the listing is refused (the token is
 * never sent elsewhere), and one that repeats a cursor throws instead of looping. A failure
 * part-way through iteration throws `PaginationError` after the jobs already yielded, with the
 * `cursor` to resume from; awaiting the first page throws the call's own error.
 *
 * It is a thenable: return it from an `async` function inside an object, not bare, or it will be
 * awaited for you. Like any promise it holds its value, the first page, for as long as it is held:
 * iterate it where it is made (`for await (const job of client.listExportJobs())`) and a long
 * listing holds only the page it is on.
 *
 * @example
 * ```ts
 * for await (const job of client.listExportJobs({ status: 'SUCCEEDED', limit: 100 })) {
 *   console.log(job.id, job.destination.datasetId);
 * }
 * const first = await client.listExportJobs({ limit: 20 });
 * const recent = await client.listExportJobs().toArray({ maxItems: 500 });
 * ```
 */
export class ExportJobPagePromise implements PromiseLike<ExportJobPage>, AsyncIterable<ExportJob> {
  readonly #fetch: PageFetcher;
  readonly #options: ListOptions;
  #first: Promise<ExportJobPage> | undefined;

  /** @internal Made by `listExportJobs`. */
  constructor(fetch: PageFetcher, options: ListOptions = {}) {
    this.#fetch = fetch;
    this.#options = options;
    // Sent at once, like every other call; the rejection is kept for whoever awaits or iterates,
    // and never reported as unhandled when no one does.
    this.#firstPage().catch(() => {});
  }

  /** The listing's settings, checked when first used, so that a bad option rejects like any call. */
  #listing(): Listing {
    const {
      maxPages,
      maxItems,
      cursor: _cursor,
      ...requestOptions
    } = checkRequestOptions(this.#options) as ListOptions;
    if (maxPages !== undefined) checkPositiveInteger('maxPages', maxPages);
    if (maxItems !== undefined) checkPositiveInteger('maxItems', maxItems);
    return { fetch: this.#fetch, options: requestOptions, maxPages, maxItems };
  }

  #firstPage(): Promise<ExportJobPage> {
    this.#first ??= (async () => {
      const listing = this.#listing();
      const { cursor } = this.#options;
      const list = await listing.fetch(cursor, listing.options);
      const seen = new Set(cursor === undefined ? [] : [cursorKey(cursor)]);
      return new ExportJobPage(list, listing, { cursor, number: 1, itemsBefore: 0, seen });
    })();
    return this.#first;
  }

  /** Each page in turn, with its records and the cursor that produced it. */
  pages(): AsyncGenerator<ExportJobPage, void, undefined> {
    return fromFirst(this.#firstPage(), this.#options, (page) => page.pages());
  }

  [Symbol.asyncIterator](): AsyncGenerator<ExportJob, void, undefined> {
    return fromFirst(this.#firstPage(), this.#options, (page) => page[Symbol.asyncIterator]());
  }

  /**
   * Collects jobs into an array. `maxItems` is required, so that an unexpectedly long listing
   * cannot exhaust memory; a missing or invalid one throws `RangeError` before anything is sent.
   */
  async toArray(options: { maxItems: number }): Promise<ExportJob[]> {
    const maxItems = (options as { maxItems?: unknown } | undefined)?.maxItems;
    if (!(typeof maxItems === 'number' && Number.isInteger(maxItems) && maxItems > 0)) {
      throw new RangeError(`toArray needs { maxItems }, a positive integer; got ${String(maxItems)}`);
    }
    const jobs: ExportJob[] = [];
    for await (const job of this) {
      jobs.push(job);
      if (jobs.length >= maxItems) break;
    }
    return jobs;
  }

  // `reason: any`, as in Promise's own signature, so that handlers written for a Promise fit.
  then<TResult1 = ExportJobPage, TResult2 = never>(
    onfulfilled?: ((value: ExportJobPage) => TResult1 | PromiseLike<TResult1>) | null,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onrejected?: ((reason: any) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.#firstPage().then(onfulfilled, onrejected);
  }

  catch<TResult = never>(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onrejected?: ((reason: any) => TResult | PromiseLike<TResult>) | null,
  ): Promise<ExportJobPage | TResult> {
    return this.#firstPage().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<ExportJobPage> {
    return this.#firstPage().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return 'ExportJobPagePromise';
  }
}

/**
 * Every export job across pages: the same as `client.listExportJobs(query, options)`, kept as a
 * free function for code written against 0.1.
 *
 * @example
 * ```ts
 * for await (const job of paginateExportJobs(client, { status: 'FAILED' })) console.log(job.id);
 * ```
 */
export function paginateExportJobs(
  // Structural rather than `ExportJobsClient`, so that this module and the client do not import each other.
  client: { listExportJobs(query: ListExportJobsQuery, options: ListOptions): ExportJobPagePromise },
  query: ListExportJobsQuery = {},
  options: ListOptions = {},
): ExportJobPagePromise {
  return client.listExportJobs(query, options);
}

/** A failure while walking pages, as `PaginationError` with where to resume; an abort stays the caller's reason. */
function paginationFailure(
  error: unknown,
  signal: AbortSignal | undefined,
  cursor: string | undefined,
  pages: number,
  items: number,
): unknown {
  signal?.throwIfAborted();
  // Bad input was refused before anything was sent: it is not a failure part-way through a listing.
  if (
    error instanceof PaginationError ||
    error instanceof ConfigurationError ||
    error instanceof RequestValidationError
  )
    return error;
  const where = cursor === undefined ? 'the first page' : `page ${pages + 1} (${cursor})`;
  const reason = error instanceof Error ? error.message : String(error);
  return new PaginationError(`Listing export jobs failed at ${where} after ${items} jobs: ${reason}`, {
    cursor,
    pages,
    items,
    cause: error,
  });
}

/** A link's cursor (its `offset`), or the whole link when it has none. */
function cursorKey(link: string): string {
  const query = link.split('?')[1];
  return (query && new URLSearchParams(query).get('offset')) || link;
}
