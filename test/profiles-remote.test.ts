/**
 * readBatchProfiles: the rows straight from the simulator's Data Access over Range requests,
 * through the SDK's transport, with no file on disk; and a body dropped in the middle of a file.
 */
import { describe, expect, it } from 'vitest';
import { resolveClientOptions } from '../src/internal/client-config.js';
import { Transport } from '../src/internal/http/transport.js';
import { readBatchProfiles } from '../src/profiles/remote.js';
import { ExportJobsSimulator } from '../src/testing/index.js';
import { collect, expectedRows } from './profiles/helpers.js';

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';
const DOWNLOADS = { match: { path: '/files/:id', query: { path: true } } } as const;

function setUp() {
  // Row groups of 10 rows, so that each file is read in several ranged requests.
  const exportFiles = { filesPerBatch: 2, rowsPerRowGroup: 10 };
  const simulator = new ExportJobsSimulator({ clock: 'manual', exportFiles });
  const job = simulator.addJob(
    { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } },
    { sandboxName: 'dev', orgId: ORG, createdAt: simulator.now() - 60_000 },
  );
  if (job.destination.segmentPerBatch) throw new Error('expected one batch');
  const options = {
    accessToken: 't',
    apiKey: 'k',
    orgId: ORG,
    sandboxName: 'dev',
    fetch: simulator.fetch,
    maxRetries: 2,
  };
  const dataAccess = new Transport(resolveClientOptions(options).dataAccess);
  return { simulator, dataAccess, batchId: job.destination.batchId!, count: job.metrics!.totalExportedProfileCounter! };
}

describe('readBatchProfiles', () => {
  it('reads the rows over Range requests, never downloading a whole file', async () => {
    const { simulator, dataAccess, batchId, count } = setUp();
    expect(await collect(readBatchProfiles(dataAccess, batchId))).toEqual(expectedRows(batchId, count));
    const reads = simulator.requests.filter((request) => request.query.path !== undefined);
    expect(reads.length).toBeGreaterThan(4);
    for (const read of reads) expect(read.headers.range).toMatch(/^bytes=\d+-\d+$/);
  });

  it('reads a subset of fields', async () => {
    const { dataAccess, batchId, count } = setUp();
    const rows = await collect(readBatchProfiles(dataAccess, batchId, { fields: ['_id'] }));
    expect(rows).toEqual(expectedRows(batchId, count).map((row) => ({ _id: row._id })));
  });

  it('asks again from where a body broke off in the middle of a file', async () => {
    const { simulator, dataAccess, batchId, count } = setUp();
    simulator.inject({ kind: 'drop', afterBytes: 700 }, { ...DOWNLOADS, times: 2 });
    expect(await collect(readBatchProfiles(dataAccess, batchId))).toEqual(expectedRows(batchId, count));
    const ranges = simulator.requests
      .filter((request) => request.query.path !== undefined)
      .map((request) => request.headers.range);
    // The retry starts 700 bytes after the range that broke.
    const [first] = ranges;
    const [from, to] = /^bytes=(\d+)-(\d+)$/.exec(first!)!.slice(1).map(Number) as [number, number];
    if (to - from + 1 > 700) expect(ranges[1]).toBe(`bytes=${from + 700}-${to}`);
  });

  it('refuses a 206 that answers another range', async () => {
    const { dataAccess, batchId } = setUp();
    const wrong = new Transport({
      ...dataAccess.config,
      fetch: async (input, init) => {
        const response = await dataAccess.config.fetch!(input, init);
        if (response.status !== 206) return response;
        const headers = new Headers(response.headers);
        headers.set('content-range', 'bytes 0-3/999999');
        return new Response(response.body, { status: 206, headers });
      },
    });
    await expect(collect(readBatchProfiles(wrong, batchId))).rejects.toMatchObject({ name: 'ResponseValidationError' });
  });
});
