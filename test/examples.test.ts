// Every example in examples/ runs here against the embedded simulator: each example's exported
// function gets a client whose `fetch` is `simulator.fetch`, and a simulator clock that moves a
// second each time it is read, so jobs finish after a few polls with no real waiting (the waits
// between polls are cut to 1 ms through the examples' own options).
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportJobFailedError, ExportJobsClient, type ExportJobsClientOptions } from '../src/index.js';
import { DEFAULT_MANUAL_START, ExportJobsSimulator, type ExportJobsSimulatorOptions } from '../src/testing/index.js';
import { waitOrCancel } from '../examples/cancel-on-timeout.js';
import { createAndWaitForExport } from '../examples/create-and-wait.js';
import { clientFromEnv, requireEnv } from '../examples/env-client.js';
import { explain, showJob } from '../examples/error-handling.js';
import { createServer } from '../examples/http-service.js';
import { listAllJobs } from '../examples/list-all.js';
import { exportSegmentsToFiles } from '../examples/segments-to-files.js';
import { exportSegmentToBatch, testExportSegmentToBatch } from '../examples/testing-with-simulator.js';

const ORG_ID = 'EXAMPLES000000000000000A@AdobeOrg';
const SANDBOX = 'examples';
const FAST = { minDelay: 1, maxDelay: 1 };
const REQUEST = { destination: { datasetId: 'dataset-1' }, schema: { name: '_xdm.context.profile' } };

/** A simulator whose clock moves 1 s on each read, and a client served by it. */
function setup(options: ExportJobsSimulatorOptions = {}, client: Partial<ExportJobsClientOptions> = {}) {
  let now = DEFAULT_MANUAL_START;
  const simulator = new ExportJobsSimulator({ clock: () => (now += 1_000), ...options });
  return {
    simulator,
    client: new ExportJobsClient({ accessToken: 'example-token', apiKey: 'example-client-id', orgId: ORG_ID, sandboxName: SANDBOX, fetch: simulator.fetch, ...client }),
  };
}

/** Collects an example's log lines. */
function lines(): { log: (line: string) => void; seen: string[] } {
  const seen: string[] = [];
  return { log: (line) => seen.push(line), seen };
}

it('covers every example in examples/', () => {
  const examples = readdirSync(resolve(import.meta.dirname, '../examples')).filter((name) => name.endsWith('.ts'));
  const source = readFileSync(import.meta.filename, 'utf8');
  const untested = examples.filter((name) => !source.includes(`'../examples/${name.replace(/\.ts$/, '.js')}'`));
  expect(untested, 'examples without a test in test/examples.test.ts').toEqual([]);
});

describe('create-and-wait.ts', () => {
  it('creates an export job for the segments and resolves with the job once it has succeeded', async () => {
    const { simulator, client } = setup();
    const { log, seen } = lines();
    const job = await createAndWaitForExport(client, { datasetId: 'dataset-1', segmentIds: ['segment-a', 'segment-b'], fields: ['identities.id'], log, ...FAST });
    expect(job.status).toBe('SUCCEEDED');
    expect(simulator.jobs(SANDBOX)).toHaveLength(1);
    expect(job.filter?.segments?.map((segment) => segment.segmentId)).toEqual(['segment-a', 'segment-b']);
    expect(seen[0]).toBe(`created export job ${job.id}`);
    expect(seen).toContain(`export job ${job.id}: PROCESSING -> SUCCEEDED`);
    expect(seen.at(-1)).toMatch(new RegExp(`^export job ${job.id} wrote 200 profiles to dataset dataset-1, batch [0-9a-f]{32}$`));
  });

  it('rejects with ExportJobFailedError carrying the job id when a segment fails', async () => {
    const { client } = setup({ failingSegments: ['bad-segment'] });
    const failure = createAndWaitForExport(client, { datasetId: 'dataset-1', segmentIds: ['bad-segment'], log: () => {}, ...FAST });
    await expect(failure).rejects.toBeInstanceOf(ExportJobFailedError);
    await expect(failure).rejects.toMatchObject({ jobId: 1000 });
  });
});

describe('list-all.ts', () => {
  it('lists every job across pages and counts them by status', async () => {
    // Jobs stay NEW for 1 000 s: the recent one stays NEW, those from 10 000 s ago are done.
    const { simulator, client } = setup({ failingSegments: ['bad-segment'], durations: { new: 1_000_000 } });
    const done = simulator.now() - 10_000_000;
    for (let index = 0; index < 4; index++) simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: done - index });
    simulator.addJob({ ...REQUEST, filter: { segments: [{ segmentId: 'bad-segment' }] } }, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: done });
    simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID });
    simulator.addJob(REQUEST, { sandboxName: 'another-sandbox', orgId: ORG_ID, createdAt: done });
    const { log, seen } = lines();
    expect(await listAllJobs(client, { limit: 2, log })).toEqual({ SUCCEEDED: 4, FAILED: 1, NEW: 1 });
    expect(seen).toHaveLength(6);
    expect(simulator.requests.filter((request) => request.method === 'GET')).toHaveLength(3);
  });

  it('resumes where it stopped when a page fails for a transient reason, repeating no job', async () => {
    const { simulator, client } = setup({}, { maxRetries: 0 });
    const done = simulator.now() - 60_000;
    for (let index = 0; index < 5; index++) simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: done - index });
    const seen: string[] = [];
    const log = (line: string) => {
      // Once the first page is being read, the next request (the second page) gets a 503.
      if (seen.length === 0) simulator.inject({ kind: 'status', status: 503 });
      seen.push(line);
    };
    expect(await listAllJobs(client, { limit: 2, log, resumeDelay: 1 })).toEqual({ SUCCEEDED: 5 });
    expect(seen.filter((line) => line.startsWith('listing stopped after 2 jobs'))).toHaveLength(1);
    const ids = seen.filter((line) => /^\d+\t/.test(line)).map((line) => line.split('\t')[0]);
    expect(ids).toEqual(['1000', '1001', '1002', '1003', '1004']);
  });
});

describe('cancel-on-timeout.ts', () => {
  it('resolves with the finished job when it ends before the deadline', async () => {
    const { simulator, client } = setup();
    const { id } = simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID });
    const result = await waitOrCancel(client, id, { timeout: 10_000, log: () => {}, ...FAST });
    expect(result).toMatchObject({ finished: true, job: { id, status: 'SUCCEEDED' } });
  });

  it('cancels the job when the deadline passes and reports the cancel', async () => {
    const { simulator, client } = setup({ durations: { new: 0, processing: 1e12 } });
    const { id } = simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID });
    const { log, seen } = lines();
    const result = await waitOrCancel(client, id, { timeout: 50, log, minDelay: 10, maxDelay: 10 });
    expect(result).toEqual({ finished: false, lastStatus: 'PROCESSING', cancel: { ok: true, message: 'Export job has been marked for cancelling' } });
    expect(simulator.job(id)?.status).toBe('CANCELLED');
    expect(seen).toContain(`cancelled export job ${id}: Export job has been marked for cancelling`);
  });
});

describe('env-client.ts', () => {
  it('builds a working client from an access token and API key in the environment', async () => {
    const { simulator } = setup({ credentials: { accessToken: 'env-token', apiKey: 'env-key', orgId: ORG_ID } });
    const env = { AEP_ACCESS_TOKEN: 'env-token', AEP_API_KEY: 'env-key', AEP_ORG_ID: ORG_ID, AEP_SANDBOX_NAME: SANDBOX };
    const client = clientFromEnv(env, { fetch: simulator.fetch });
    await client.createExportJob(REQUEST);
    expect(simulator.jobs(SANDBOX)).toHaveLength(1);
  });

  it('builds an OAuth client from AEP_CLIENT_ID and AEP_CLIENT_SECRET that gets its token from IMS', async () => {
    const { simulator } = setup({ ims: { clientId: 'env-client', clientSecret: 'env-secret' } });
    const env = { AEP_CLIENT_ID: 'env-client', AEP_CLIENT_SECRET: 'env-secret', AEP_ORG_ID: ORG_ID, AEP_SANDBOX_NAME: SANDBOX };
    const client = clientFromEnv(env, { fetch: simulator.fetch });
    await client.listExportJobs();
    await client.listExportJobs();
    expect(simulator.tokensIssued).toBe(1);
    expect(simulator.requests.find((request) => request.path === '/export/jobs')?.headers['x-api-key']).toBe('env-client');
  });

  it('names every missing variable, and requireEnv names the one it needs', () => {
    expect(() => clientFromEnv({ AEP_ORG_ID: ORG_ID })).toThrow('Missing environment variables: AEP_ACCESS_TOKEN, AEP_API_KEY, AEP_SANDBOX_NAME');
    expect(() => requireEnv('AEP_DATASET_ID', {})).toThrow('Missing environment variable: AEP_DATASET_ID');
    expect(requireEnv('AEP_DATASET_ID', { AEP_DATASET_ID: ' dataset-1 ' })).toBe('dataset-1');
  });
});

describe('error-handling.ts', () => {
  it('shows a job with its status, and a failed job with Adobe\'s reasons', async () => {
    const { simulator, client } = setup({ failingSegments: ['bad-segment'] });
    const { id } = simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: simulator.now() - 60_000 });
    const failed = simulator.addJob({ ...REQUEST, filter: { segments: [{ segmentId: 'bad-segment' }] } }, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: simulator.now() - 60_000 });
    expect(await showJob(client, id, () => {})).toBe(`export job ${id}: SUCCEEDED`);
    expect(await showJob(client, failed.id, () => {})).toMatch(new RegExp(`^export job ${failed.id}: FAILED \\(0090000009 Error writing profiles .*; unknown Job aborted\\.\\)$`));
  });

  it('explains a missing job, a refused token, a server error and an invalid id in one line each', async () => {
    const { simulator, client } = setup({ credentials: { accessToken: 'example-token' } }, { maxRetries: 0 });
    expect(await showJob(client, 4242, () => {})).toMatch(/^no such export job in this sandbox \(request id [\w-]+\)$/);
    expect(await showJob(client.withOptions({ accessToken: 'expired-token' }), 4242, () => {})).toMatch(/^not authenticated: .*401.*Oauth token is not valid/);
    simulator.inject({ kind: 'status', status: 503 });
    expect(await showJob(client, 4242, () => {})).toMatch(/^AEP failed with 503 on every attempt \(request ids [\w-]+\)$/);
    expect(await showJob(client, '../4242', () => {})).toMatch(/^nothing was sent: id must not contain/);
    expect(() => explain(new Error('a bug'))).toThrow('a bug');
  });
});

describe('http-service.ts', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  /** The service on a free loopback port, and a way to call it. */
  async function start(options: Parameters<typeof createServer>[1] = {}, clientOptions: Partial<ExportJobsClientOptions> = {}) {
    const { simulator, client } = setup({}, clientOptions);
    const server = createServer(client, options);
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    close = () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (method: string, path: string, body?: string) => {
      const response = await fetch(`${origin}${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }) });
      return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Record<string, unknown> };
    };
    return { simulator, call };
  }

  it('starts an export job on POST /exports and answers 202 with its id and a Location', async () => {
    const { simulator, call } = await start({ defaultDatasetId: 'dataset-default' });
    const answer = await call('POST', '/exports', JSON.stringify({ segmentIds: ['segment-a'], fields: 'identities.id' }));
    expect(answer).toEqual({ status: 202, location: '/exports/1000', body: { id: 1000, status: 'NEW', datasetId: 'dataset-default', batchIds: [] } });
    const [job] = simulator.jobs(SANDBOX);
    expect(job).toMatchObject({ id: 1000, fields: 'identities.id', filter: { segments: [{ segmentId: 'segment-a', status: ['realized'] }] } });
  });

  it('reports the job\'s progress on GET /exports/:id until it has succeeded', async () => {
    const { call } = await start();
    const { body } = await call('POST', '/exports', JSON.stringify({ segmentIds: ['segment-a'], datasetId: 'dataset-1' }));
    const statuses: unknown[] = [];
    for (let poll = 0; poll < 20 && statuses.at(-1) !== 'SUCCEEDED'; poll++) statuses.push((await call('GET', `/exports/${String(body.id)}`)).body.status);
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    expect(statuses).toContain('PROCESSING');
    const done = await call('GET', `/exports/${String(body.id)}`);
    expect(done.body).toMatchObject({ id: body.id, status: 'SUCCEEDED', datasetId: 'dataset-1', profiles: 100 });
    expect(done.body.batchIds).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
  });

  it('answers the caller\'s mistakes with 4xx and sends nothing to AEP', async () => {
    const { simulator, call } = await start();
    expect(await call('POST', '/exports', '{not json')).toMatchObject({ status: 400, body: { error: 'the request body must be JSON' } });
    expect(await call('POST', '/exports', JSON.stringify({ segmentIds: [] }))).toMatchObject({ status: 400 });
    expect(await call('POST', '/exports', JSON.stringify({ segmentIds: ['segment-a'] }))).toMatchObject({ status: 400, body: { error: expect.stringContaining('datasetId is required') } });
    expect(await call('POST', '/exports', JSON.stringify({ segmentIds: ['segment-a'], datasetId: '   ' }))).toMatchObject({ status: 400, body: { error: 'invalid request' } });
    expect(await call('GET', '/exports/99999999999999999999')).toMatchObject({ status: 400, body: { error: 'invalid request' } });
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404 });
    expect(await call('DELETE', '/exports/1000')).toMatchObject({ status: 405 });
    expect(simulator.requests).toEqual([]);
  });

  it('answers 404 for a job AEP does not know, and 502 when AEP fails', async () => {
    const { simulator, call } = await start({}, { maxRetries: 0 });
    expect(await call('GET', '/exports/4242')).toMatchObject({ status: 404, body: { error: 'no such export job' } });
    simulator.inject({ kind: 'status', status: 500 });
    expect(await call('GET', '/exports/4242')).toMatchObject({ status: 502, body: { error: 'AEP refused or failed the request' } });
  });
});

describe('testing-with-simulator.ts', () => {
  it('its own test of exportSegmentToBatch passes against the simulator', async () => {
    const report = await testExportSegmentToBatch();
    expect(report.batchId).toMatch(/^[0-9a-f]{32}$/);
    expect(report.tokensIssued).toBe(1);
  });

  it('exportSegmentToBatch resolves with the batch the job wrote', async () => {
    const { simulator, client } = setup();
    const batchId = await exportSegmentToBatch(client, 'segment-a', 'dataset-1', FAST);
    expect(simulator.jobs(SANDBOX)[0]?.destination).toEqual({ datasetId: 'dataset-1', segmentPerBatch: false, batchId });
  });
});

// The simulator serves Catalog and Data Access only once src/testing answers under
// /data/foundation/export; until then this example cannot run against it.
const simulatorServesDataAccess = readdirSync(resolve(import.meta.dirname, '../src/testing'))
  .filter((name) => name.endsWith('.ts'))
  .some((name) => readFileSync(resolve(import.meta.dirname, '../src/testing', name), 'utf8').includes('/data/foundation/export'));

describe('segments-to-files.ts', () => {
  if (!simulatorServesDataAccess) {
    it.skip('exports segments into files in a folder (skipped: the simulator does not serve Data Access, /data/foundation/export, yet)', () => {});
    return;
  }

  it('exports segments into files in a folder, creating the dataset, one sub-folder per segment', async () => {
    const { client } = setup();
    const dir = await mkdtemp(join(tmpdir(), 'aep-export-jobs-example-'));
    try {
      const { log, seen } = lines();
      const result = await exportSegmentsToFiles(client, { segmentIds: ['segment-a', 'segment-b'], datasetName: 'Example export', dir, segmentPerBatch: true, log, ...FAST });
      expect(result.dir).toBe(dir);
      expect(result.job.status).toBe('SUCCEEDED');
      expect(result.files.length).toBeGreaterThan(0);
      expect((await readdir(dir)).sort()).toEqual(['segment-a', 'segment-b']);
      for (const file of result.files) {
        expect(file.path.startsWith(join(dir, file.segmentId!))).toBe(true);
        expect((await stat(file.path)).size).toBe(file.bytes);
      }
      expect(seen.at(-1)).toBe(`export job ${result.job.id}: ${result.files.length} files in ${dir}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
