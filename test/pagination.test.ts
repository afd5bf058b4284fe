import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import {
  ExportJobsError,
  NotFoundError,
  PaginationError,
  ServerError,
  UnsafeResponseError,
  paginateExportJobs,
  type ExportJob,
} from '../src/index.js';
import { collectGarbage } from './helpers/memory.js';
import { BASE_URL, JOBS_URL, jobBody, makeClient, server, useMsw } from './helpers/msw.js';

useMsw();

interface Listing {
  requests: URL[];
}

/** A job body served here: `id` and `creationTime` (its cursor's parts) are the numbers `serveJobs` gives. */
type ServedJob = Record<string, unknown> & { id: number; creationTime: number };

/**
 * Serves `total` jobs newest first in pages of the requested `limit`, with cursors and relative
 * `link.next` like the real service (`/export/jobs/?limit=2&offset={creationTime}_{id}`).
 */
function serveJobs(
  total: number,
  options: { failAt?: { offset: string; status: number }; link?: (next: string) => string } = {},
): Listing {
  const listing: Listing = { requests: [] };
  const jobs = Array.from(
    { length: total },
    (_, index) => jobBody({ id: total - index, creationTime: 1_538_573_000_000 + (total - index) }) as ServedJob,
  );
  server.use(
    http.get(`${BASE_URL}/export/jobs*`, ({ request }) => {
      const url = new URL(request.url);
      listing.requests.push(url);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const offset = url.searchParams.get('offset');
      if (options.failAt && offset === options.failAt.offset)
        return HttpResponse.json({ error_code: 'x', message: 'boom' }, { status: options.failAt.status });
      const start = offset === null ? 0 : jobs.findIndex((job) => `${job.creationTime}_${job.id}` === offset) + 1;
      const records = jobs.slice(start, start + limit);
      const lastRecord = records.at(-1);
      const cursor = lastRecord ? `${lastRecord.creationTime}_${lastRecord.id}` : '';
      const more = start + limit < jobs.length;
      const status = url.searchParams.get('status');
      const next = more ? `/export/jobs/?limit=${limit}&offset=${cursor}${status ? `&status=${status}` : ''}` : '';
      return HttpResponse.json({
        records,
        page: { sortField: 'createdTime', sort: 'desc', pageOffset: cursor, pageSize: records.length },
        link: { next: options.link ? options.link(next) : next },
      });
    }),
  );
  return listing;
}

const ids = (jobs: ExportJob[]) => jobs.map((job) => job.id);

describe('paginateExportJobs', () => {
  it('yields every job across pages, newest first, following link.next', async () => {
    const listing = serveJobs(7);
    const seen: number[] = [];
    for await (const job of paginateExportJobs(makeClient(), { limit: 3 })) seen.push(job.id);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(listing.requests.map((url) => url.pathname + url.search)).toEqual([
      '/data/core/ups/export/jobs?limit=3',
      `/data/core/ups/export/jobs/?limit=3&offset=${1_538_573_000_005}_5`,
      `/data/core/ups/export/jobs/?limit=3&offset=${1_538_573_000_002}_2`,
    ]);
  });

  it('sends the caller query on the first page and lets the status travel in link.next', async () => {
    const listing = serveJobs(4);
    await paginateExportJobs(makeClient(), { limit: 2, status: 'SUCCEEDED' }).toArray({ maxItems: 10 });
    expect(listing.requests.map((url) => url.searchParams.get('status'))).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('resolves link.next against the base URL path, not the origin root', async () => {
    const listing = serveJobs(3);
    await paginateExportJobs(makeClient(), { limit: 2 }).toArray({ maxItems: 10 });
    expect(listing.requests.every((url) => url.pathname.startsWith('/data/core/ups/export/jobs'))).toBe(true);
  });

  it('accepts a link.next that already carries the base path without doubling it', async () => {
    const listing = serveJobs(3, { link: (next) => (next ? `/data/core/ups${next}` : next) });
    expect(ids(await paginateExportJobs(makeClient(), { limit: 2 }).toArray({ maxItems: 10 }))).toEqual([3, 2, 1]);
    expect(listing.requests[1]!.pathname).toBe('/data/core/ups/export/jobs/');
  });

  it('stops when link.next is absent, and when a page is empty even if it has a link', async () => {
    server.use(http.get(JOBS_URL, () => HttpResponse.json({ records: [jobBody()] })));
    expect(await paginateExportJobs(makeClient()).toArray({ maxItems: 10 })).toHaveLength(1);
    server.use(
      http.get(`${JOBS_URL}*`, () => HttpResponse.json({ records: [], link: { next: '/export/jobs/?offset=1_1' } })),
    );
    const pages = [];
    for await (const page of paginateExportJobs(makeClient()).pages()) pages.push(page);
    expect(pages).toHaveLength(1);
  });

  it('gives pages with their records and the cursor that produced them', async () => {
    serveJobs(5);
    const pages = [];
    for await (const page of paginateExportJobs(makeClient(), { limit: 2 }).pages())
      pages.push({ number: page.number, cursor: page.cursor, ids: ids(page.records) });
    expect(pages).toEqual([
      { number: 1, cursor: undefined, ids: [5, 4] },
      { number: 2, cursor: `/export/jobs/?limit=2&offset=${1_538_573_000_004}_4`, ids: [3, 2] },
      { number: 3, cursor: `/export/jobs/?limit=2&offset=${1_538_573_000_002}_2`, ids: [1] },
    ]);
  });

  it('stops at maxItems without fetching another page, and at maxPages', async () => {
    const listing = serveJobs(10);
    expect(
      ids(await paginateExportJobs(makeClient(), { limit: 3 }, { maxItems: 4 }).toArray({ maxItems: 100 })),
    ).toEqual([10, 9, 8, 7]);
    expect(listing.requests).toHaveLength(2);
    expect(
      await paginateExportJobs(makeClient(), { limit: 3 }, { maxPages: 2 }).toArray({ maxItems: 100 }),
    ).toHaveLength(6);
  });

  it('fetches no further page when maxItems falls on a page boundary', async () => {
    const listing = serveJobs(9);
    expect(
      ids(await paginateExportJobs(makeClient(), { limit: 3 }, { maxItems: 3 }).toArray({ maxItems: 100 })),
    ).toEqual([9, 8, 7]);
    expect(listing.requests).toHaveLength(1);
    const pages = [];
    for await (const page of paginateExportJobs(makeClient(), { limit: 3 }, { maxItems: 4 }).pages())
      pages.push(page.number);
    expect(pages).toEqual([1, 2]);
  });

  it('requires maxItems of toArray, and stops there', async () => {
    serveJobs(10);
    const paginator = paginateExportJobs(makeClient(), { limit: 3 });
    await expect(paginator.toArray({} as never)).rejects.toThrow(/maxItems/);
    expect(await paginator.toArray({ maxItems: 5 })).toHaveLength(5);
  });

  it('gives the first page when awaited', async () => {
    serveJobs(5);
    const first = await paginateExportJobs(makeClient(), { limit: 2 });
    expect(ids(first.records)).toEqual([5, 4]);
  });

  it('refuses a link.next to another origin and never sends the token there', async () => {
    for (const link of [
      'https://evil.example/export/jobs?offset=1',
      '//evil.example/export/jobs?offset=1',
      '/other/endpoint?offset=1',
      'export/jobs?offset=1',
      '/\\evil.example/export/jobs',
    ]) {
      const evil = vi.fn(() => HttpResponse.json({ records: [] }));
      server.use(http.get('https://evil.example/*', evil));
      serveJobs(3, { link: () => link });
      const jobs: ExportJob[] = [];
      const error = await (async () => {
        for await (const job of paginateExportJobs(makeClient(), { limit: 2 })) jobs.push(job);
      })().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PaginationError);
      expect((error as PaginationError).cause).toBeInstanceOf(UnsafeResponseError);
      expect(jobs).toHaveLength(2);
      expect(evil).not.toHaveBeenCalled();
    }
  });

  it('throws instead of looping when link.next repeats a cursor', async () => {
    server.use(
      http.get(`${JOBS_URL}*`, () =>
        HttpResponse.json({ records: [jobBody()], link: { next: '/export/jobs/?limit=1&offset=5_5' } }),
      ),
    );
    const seen: number[] = [];
    const error = await (async () => {
      for await (const job of paginateExportJobs(makeClient())) seen.push(job.id);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toMatch(/repeats a cursor/);
    expect(seen).toEqual([100, 100]);
  });

  it('delivers the jobs read before a failure, then an error carrying the cursor to resume from', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const failing = `${1_538_573_000_005}_5`;
    serveJobs(6, { failAt: { offset: failing, status: 500 } });
    const seen: number[] = [];
    const error = (await (async () => {
      for await (const job of paginateExportJobs(makeClient(), { limit: 2 })) seen.push(job.id);
    })().catch((caught: unknown) => caught)) as PaginationError;
    expect(seen).toEqual([6, 5]);
    expect(error).toBeInstanceOf(PaginationError);
    expect(error).toBeInstanceOf(ExportJobsError);
    expect(error.cause).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ cursor: `/export/jobs/?limit=2&offset=${failing}`, pages: 1, items: 2 });

    serveJobs(6);
    const rest = await paginateExportJobs(makeClient(), {}, { cursor: error.cursor! }).toArray({ maxItems: 100 });
    expect(ids(rest)).toEqual([4, 3, 2, 1]);
  });

  it('wraps a failure of the first page with no cursor', async () => {
    server.use(
      http.get(JOBS_URL, () =>
        HttpResponse.json({ error_code: '403003', message: 'Api Key is invalid' }, { status: 403 }),
      ),
    );
    const error = await paginateExportJobs(makeClient())
      .toArray({ maxItems: 1 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'PaginationError', cursor: undefined, pages: 0 });
    expect((error as PaginationError).message).toContain('403');
  });

  it('rejects with the abort reason, not a PaginationError, when the caller aborts', async () => {
    serveJobs(10);
    const controller = new AbortController();
    const reason = new Error('stop');
    const seen: number[] = [];
    const error = await (async () => {
      for await (const job of paginateExportJobs(makeClient(), { limit: 2 }, { signal: controller.signal })) {
        seen.push(job.id);
        if (seen.length === 3) controller.abort(reason);
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    expect(seen).toHaveLength(4);
  });

  it('keeps NotFoundError reachable as the cause', async () => {
    server.use(http.get(JOBS_URL, () => HttpResponse.json({}, { status: 404 })));
    const error = (await paginateExportJobs(makeClient())
      .toArray({ maxItems: 1 })
      .catch((caught: unknown) => caught)) as PaginationError;
    expect(error.cause).toBeInstanceOf(NotFoundError);
  });
});

describe('memory while iterating', () => {
  it.each([
    ['pages()', (client: ReturnType<typeof makeClient>) => client.listExportJobs({ limit: 2 }).pages()],
    // The iterator, not the listing: a listing held is a promise held, and it holds its first page.
    [
      'jobs',
      (client: ReturnType<typeof makeClient>) =>
        pagesOfJobs(client.listExportJobs({ limit: 2 })[Symbol.asyncIterator]()),
    ],
  ])('lets go of the pages already walked while iterating with %s', async (_, walk) => {
    serveJobs(10);
    const client = makeClient();
    const walked: WeakRef<object>[] = [];
    for await (const page of walk(client)) {
      walked.push(new WeakRef(page));
      if (walked.length === 4) break;
      if (walked.length < 3) continue;
      // On the third page: the first two are garbage, whoever started the walk.
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
      expect(walked.slice(0, 2).map((ref) => ref.deref() === undefined)).toEqual([true, true]);
    }
    expect(walked).toHaveLength(4);
  });
});

/** The page each job of a `for await` over jobs came from, one entry per page (the records array). */
async function* pagesOfJobs(jobs: AsyncIterator<ExportJob>): AsyncGenerator<object> {
  let last: ExportJob | undefined;
  for await (const job of { [Symbol.asyncIterator]: () => jobs }) {
    // Each page's first job stands for its page: the records array holds it, and only the page holds that array.
    if (last === undefined || Number(job.id) % 2 === 0) yield job;
    last = job;
  }
}
