/**
 * readExportedProfiles over what the SDK itself downloaded from the simulator: the rows must be
 * exactly the ones the simulator meant to write, in order, for one batch and one per segment.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportJobsClient, exportSegments } from '../src/index.js';
import { readExportedProfiles } from '../src/profiles/index.js';
import { ExportJobsSimulator } from '../src/testing/index.js';
import { collect, expectedRows, tempDir } from './profiles/helpers.js';

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';
let dir: string;
let remove: () => Promise<void>;
let now: number;

beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

function setUp(options: ConstructorParameters<typeof ExportJobsSimulator>[0] = {}) {
  now = Date.UTC(2026, 0, 1);
  const simulator = new ExportJobsSimulator({
    clock: () => (now += 1_000),
    durations: { new: 2_000, processing: 6_000 },
    ...options,
  });
  const client = new ExportJobsClient({
    accessToken: 't',
    apiKey: 'k',
    orgId: ORG,
    sandboxName: 'dev',
    fetch: simulator.fetch,
  });
  return { simulator, client };
}

/** `segments` exported into dataset ds-1 and downloaded to `dir`, polling every millisecond or two. */
function exportTo(client: ExportJobsClient, segments: string[], options: { segmentPerBatch?: boolean } = {}) {
  return exportSegments(client, { segments, datasetId: 'ds-1', dir, minDelay: 1, maxDelay: 2, ...options });
}

describe('readExportedProfiles', () => {
  it('reads back one batch exactly as the simulator wrote it, over several files and row groups', async () => {
    const exportFiles = { filesPerBatch: 3, rowsPerRowGroup: 7 };
    const { client } = setUp({ profilesPerSegment: 100, exportFiles });
    const result = await exportTo(client, ['seg-a']);
    expect(result.files).toHaveLength(3);
    const count = result.job.metrics!.totalExportedProfileCounter!;
    const rows = await collect(readExportedProfiles(dir));
    expect(rows).toHaveLength(count);
    expect(rows).toEqual(expectedRows(result.files[0]!.batchId, count));
    // A list of files reads the same, in the order given.
    const reversed = await collect(readExportedProfiles(result.files.map((file) => file.path).reverse()));
    expect(reversed).toHaveLength(count);
    expect(new Set(reversed.map((row) => row._id))).toEqual(new Set(rows.map((row) => row._id)));
  });

  it('says which segment each row came from with one folder per segment', async () => {
    const { client } = setUp({ profilesPerSegment: { 'seg-a': 30, 'seg-b': 12 } });
    const result = await exportTo(client, ['seg-a', 'seg-b'], { segmentPerBatch: true });
    const rows = await collect(readExportedProfiles(dir));
    const batches = result.job.destination.segmentPerBatch ? result.job.destination.batches : [];
    for (const { segmentId, batchId } of batches) {
      const mine = rows.filter((row) => row.segmentId === segmentId).map(({ segmentId: _, ...row }) => row);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine).toEqual(expectedRows(batchId!, mine.length));
    }
    expect(new Set(rows.map((row) => row.segmentId))).toEqual(new Set(['seg-a', 'seg-b']));
  });

  it('reads a subset of fields, dot paths through lists and structs', async () => {
    const { client } = setUp();
    const result = await exportTo(client, ['seg-a']);
    const rows = await collect(readExportedProfiles(dir, { fields: ['identities.id', 'person.name.lastName', '_id'] }));
    type Full = { _id: string; identities: Array<{ id: string }>; person: { name: { lastName: string } } };
    const expected = expectedRows(result.files[0]!.batchId, rows.length)[1] as Full;
    expect(rows[1]).toEqual({
      _id: expected._id,
      identities: expected.identities.map((identity) => ({ id: identity.id })),
      person: { name: { lastName: expected.person.name.lastName } },
    });
  });

  it('stops with the signal', async () => {
    const { client } = setUp();
    await exportTo(client, ['seg-a']);
    const controller = new AbortController();
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const row of readExportedProfiles(dir, { signal: controller.signal })) {
        seen.push(row);
        controller.abort(new Error('enough'));
      }
    })();
    await expect(reading).rejects.toThrow('enough');
    expect(seen.length).toBeGreaterThan(0);
  });
});
