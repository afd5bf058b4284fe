/**
 * Listings read from the simulator's index answer exactly what a sort of every job would: newest
 * first, cursors and `link.next` as Adobe sends them, status filters that follow the clock, with
 * jobs added out of order, sharing creation times, cancelled, failing, or dropped by `maxJobs`.
 */
import { describe, expect, it } from 'vitest';
import { ExportJobsSimulator, type SimulatedExportJob, type SimulatedJobStatus } from '../../src/testing/index.js';

const ORG = 'TEST0000000000000000000A@AdobeOrg';
const JOBS_URL = 'https://platform.adobe.io/data/core/ups/export/jobs';
const HEADERS = { authorization: 'Bearer t', 'x-api-key': 'k', 'x-gw-ims-org-id': ORG, 'x-sandbox-name': 'dev' };
const STATUSES: ReadonlyArray<SimulatedJobStatus | undefined> = [
  undefined,
  'NEW',
  'PROCESSING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
];

/** A small seeded generator, so the mix of jobs is the same in every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Page {
  records: SimulatedExportJob[];
  page: { pageOffset: string; pageSize: number };
  link: { next: string };
}

async function list(simulator: ExportJobsSimulator, query: string): Promise<Page> {
  const response = await simulator.fetch(`${JOBS_URL}?${query}`, { headers: HEADERS });
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

/** Every job of a listing, walked page by page through `link.next`. */
async function walk(
  simulator: ExportJobsSimulator,
  limit: number,
  status: SimulatedJobStatus | undefined,
): Promise<number[]> {
  const ids: number[] = [];
  let query = `limit=${limit}${status ? `&status=${status}` : ''}`;
  for (;;) {
    const page = await list(simulator, query);
    ids.push(...page.records.map((job) => job.id));
    expect(page.page.pageSize).toBe(page.records.length);
    if (!page.link.next) return ids;
    query = new URL(page.link.next, 'https://placeholder.test').search.slice(1);
  }
}

/** A sandbox of `count` jobs in a random mix: backdated out of order, some sharing a creation time, some failing or cancelled. */
async function mixedSandbox(count: number, options: { maxJobs?: number } = {}): Promise<ExportJobsSimulator> {
  const roll = random(42);
  const simulator = new ExportJobsSimulator({
    clock: 'manual',
    failingSegments: ['bad'],
    durations: { new: 1_000, processing: 4_000 },
    ...options,
  });
  const start = simulator.now();
  for (let index = 0; index < count; index += 1) {
    const segment = roll() < 0.2 ? 'bad' : 'good';
    // Creation times within 20 s around now, on a 500 ms grid so that many are shared.
    const createdAt = start - 10_000 + Math.floor(roll() * 40) * 500;
    const request = {
      destination: { datasetId: 'ds-1' },
      schema: { name: '_xdm.context.profile' },
      filter: { segments: [{ segmentId: segment }] },
    };
    simulator.addJob(request, { sandboxName: 'dev', orgId: ORG, createdAt });
    if (roll() < 0.1) simulator.addJob(request, { sandboxName: 'other', orgId: ORG, createdAt });
  }
  for (const job of simulator.jobs('dev')) {
    if (roll() < 0.1) await simulator.fetch(`${JOBS_URL}/${job.id}`, { method: 'DELETE', headers: HEADERS });
  }
  return simulator;
}

function expected(simulator: ExportJobsSimulator, status: SimulatedJobStatus | undefined): number[] {
  return simulator
    .jobs('dev')
    .filter((job) => job.imsOrgId === ORG && (status === undefined || job.status === status))
    .map((job) => job.id);
}

describe('listing many jobs', () => {
  it('walks every status, at every page size, in the order a full sort gives, as the clock moves', async () => {
    const simulator = await mixedSandbox(200);
    const seen = new Set<string>();
    for (const step of [0, 2_000, 3_000, 10_000]) {
      simulator.advance(step);
      for (const status of STATUSES) {
        const all = expected(simulator, status);
        if (status && all.length > 0) seen.add(status);
        for (const limit of [1, 7, 1_000]) expect(await walk(simulator, limit, status)).toEqual(all);
      }
    }
    // Every status had jobs at some point, so no filter was only checked against an empty list.
    expect(seen).toEqual(new Set(STATUSES.filter(Boolean)));
  });

  it('keeps the order across thousands of jobs in one sandbox', async () => {
    const simulator = await mixedSandbox(3_000);
    simulator.advance(2_500);
    for (const status of STATUSES) expect(await walk(simulator, 250, status)).toEqual(expected(simulator, status));
  });

  it('gives the cursor of a page as its last record, and skips a plain-number offset as a count of records', async () => {
    const simulator = await mixedSandbox(50);
    const all = expected(simulator, undefined);
    const first = await list(simulator, 'limit=5');
    const last = first.records.at(-1)!;
    expect(first.page.pageOffset).toBe(`${last.creationTime}_${last.id}`);
    expect(first.link.next).toBe(`/export/jobs/?limit=5&offset=${last.creationTime}_${last.id}`);
    expect((await list(simulator, 'limit=5&offset=12')).records.map((job) => job.id)).toEqual(all.slice(12, 17));
    const end = await list(simulator, `limit=5&offset=${all.length}`);
    expect(end).toMatchObject({ records: [], page: { pageOffset: '', pageSize: 0 }, link: { next: '' } });
  });

  it('lists only what maxJobs kept, in the same order', async () => {
    const simulator = await mixedSandbox(300, { maxJobs: 100 });
    simulator.advance(60_000);
    simulator.addJob(
      { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } },
      { sandboxName: 'dev', orgId: ORG },
    );
    const kept = expected(simulator, undefined);
    expect(kept).toHaveLength(100);
    for (const status of STATUSES) expect(await walk(simulator, 9, status)).toEqual(expected(simulator, status));
  });
});
