/**
 * Testing your own code with the embedded simulator: no Adobe account, no network, no waiting.
 *
 * `exportSegmentToBatch` stands for your code: it exports a segment and returns the batch the
 * profiles were written to. `testExportSegmentToBatch` is how you would test it: an
 * `ExportJobsSimulator` answers the client through `simulator.fetch` (no msw, no sockets), its
 * clock moves a second each time it is read so jobs finish at once, and its fake IMS issues the
 * OAuth tokens. It uses node:assert, so it runs as it is; in vitest or node:test the checks are
 * the same. It needs no environment variable:
 *
 *   npm run example -- examples/testing-with-simulator.ts
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ExportJobFailedError, ExportJobsClient, createAndWait, type WaitOptions } from '../src/index.js';
import { DEFAULT_MANUAL_START, ExportJobsSimulator } from '../src/testing/index.js';

/** Your code: exports the realized members of a segment into a dataset; resolves with the batch id. */
export async function exportSegmentToBatch(
  client: ExportJobsClient,
  segmentId: string,
  datasetId: string,
  wait: Pick<WaitOptions, 'minDelay' | 'maxDelay' | 'maxWait' | 'signal'> = {},
): Promise<string> {
  const job = await createAndWait(
    client,
    {
      filter: { segments: [{ segmentId, status: ['realized'] }] },
      destination: { datasetId, segmentPerBatch: false },
      schema: { name: '_xdm.context.profile' },
    },
    wait,
  );
  if (job.destination.segmentPerBatch || !job.destination.batchId)
    throw new Error(`export job ${job.id} succeeded without a batch id`);
  return job.destination.batchId;
}

/** What the test saw, for whoever runs it. */
export interface SimulatorTestReport {
  batchId: string;
  /** The requests the client sent to the simulator (token requests included). */
  requests: number;
  /** The access tokens the fake IMS issued: one, as the client caches it. */
  tokensIssued: number;
}

/** How to test `exportSegmentToBatch`: the happy path, then a failing segment. Throws on a failed check. */
export async function testExportSegmentToBatch(): Promise<SimulatorTestReport> {
  // A clock that moves 1 s each time the simulator reads it: a job (NEW 2 s, PROCESSING 8 s by
  // default) finishes after a few polls. `clock: 'manual'` with `simulator.advance(ms)` works too.
  let now = DEFAULT_MANUAL_START;
  const simulator = new ExportJobsSimulator({
    clock: () => (now += 1_000),
    failingSegments: ['segment-that-fails'],
    ims: { clientId: 'test-client-id', clientSecret: 'test-client-secret' },
  });
  const client = new ExportJobsClient({
    // OAuth Server-to-Server against the simulator's fake IMS: simulator.fetch answers IMS's URL too.
    credentials: { clientId: 'test-client-id', clientSecret: 'test-client-secret' },
    orgId: 'TEST0000000000000000000A@AdobeOrg',
    sandboxName: 'test',
    fetch: simulator.fetch,
  });
  // The wait sleeps for real between polls: keep the delays tiny in tests.
  const fast = { minDelay: 1, maxDelay: 1 };

  const batchId = await exportSegmentToBatch(client, 'segment-1', 'dataset-1', fast);
  const [job] = simulator.jobs('test');
  assert.equal(job?.status, 'SUCCEEDED');
  assert.equal(batchId, job?.destination.segmentPerBatch === false ? job.destination.batchId : undefined);
  assert.deepEqual(
    job?.filter?.segments?.map((segment) => segment.segmentId),
    ['segment-1'],
  );
  // Exactly one create was sent, to the client's sandbox.
  const creates = simulator.requests.filter((request) => request.method === 'POST' && request.path === '/export/jobs');
  assert.equal(creates.length, 1);
  assert.equal(creates[0]?.sandboxName, 'test');

  // A segment the simulator fails: the job ends FAILED and your code sees ExportJobFailedError.
  await assert.rejects(exportSegmentToBatch(client, 'segment-that-fails', 'dataset-1', fast), (error) => {
    assert.ok(error instanceof ExportJobFailedError);
    assert.match(error.message, /segment-that-fails/);
    return true;
  });
  // Both exports used one access token: the client caches it.
  assert.equal(simulator.tokensIssued, 1);

  return { batchId, requests: simulator.requests.length, tokensIssued: simulator.tokensIssued };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await testExportSegmentToBatch();
  console.log(`ok: batch ${report.batchId}, ${report.requests} requests, ${report.tokensIssued} token issued`);
}
