/** examples/segment-to-ndjson.ts against the simulator: one NDJSON line per exported profile. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { exportSegmentToNdjson } from '../examples/segment-to-ndjson.js';
import { ExportJobsClient } from '../src/index.js';
import { ExportJobsSimulator } from '../src/testing/index.js';
import { tempDir } from './profiles/helpers.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

it('exports a segment to NDJSON, one profile a line', async () => {
  let now = Date.UTC(2026, 0, 1);
  const simulator = new ExportJobsSimulator({
    clock: () => (now += 1_000),
    durations: { new: 2_000, processing: 6_000 },
  });
  const client = new ExportJobsClient({
    accessToken: 't',
    apiKey: 'k',
    orgId: 'O@AdobeOrg',
    sandboxName: 'dev',
    fetch: simulator.fetch,
  });
  const out = join(dir, 'profiles.ndjson');
  const { jobId, profiles } = await exportSegmentToNdjson(client, {
    segmentId: 'seg-1',
    datasetId: 'ds-1',
    out,
    minDelay: 1,
    maxDelay: 2,
  });
  const lines = (await readFile(out, 'utf8')).split('\n');
  expect(lines.pop()).toBe('');
  expect(lines).toHaveLength(profiles);
  expect(profiles).toBe(simulator.job(Number(jobId))!.metrics!.totalExportedProfileCounter);
  expect(JSON.parse(lines[0]!)).toMatchObject({
    _id: expect.any(String),
    identities: [{ namespace: { code: 'ECID' } }],
  });
});
