import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { ExitCode } from '../src/cli/exit-codes.js';
import {
  ExportJobsClient,
  RequestValidationError,
  WaitTimeoutError,
  exportSegments,
  type ExportSegmentsOptions,
} from '../src/index.js';
import { ExportJobsSimulator, startSimulatorServer } from '../src/testing/index.js';

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';
// Jobs move on with every read of the simulator's clock, so waits end after a few polls with no real waiting.
const FAST = { minDelay: 1, maxDelay: 2 } satisfies Partial<ExportSegmentsOptions>;

let dir: string;
let now: number;
let simulator: ExportJobsSimulator;
let client: ExportJobsClient;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aep-export-'));
  now = Date.UTC(2026, 0, 1);
  simulator = new ExportJobsSimulator({
    clock: () => (now += 1_000),
    durations: { new: 2_000, processing: 6_000 },
    failingSegments: ['broken'],
    exportFiles: { filesPerBatch: 2, bytesPerFile: 4_096 },
  });
  client = new ExportJobsClient({
    accessToken: 'token',
    apiKey: 'key',
    orgId: ORG,
    sandboxName: 'dev',
    fetch: simulator.fetch,
  });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('exportSegments', () => {
  it('creates the dataset, the job, waits, and downloads the batch byte for byte', async () => {
    const result = await exportSegments(client, {
      segments: ['seg-a'],
      createDataset: { name: 'Weekly export' },
      dir,
      ...FAST,
    });
    expect(simulator.datasets('dev').map((dataset) => dataset.name)).toEqual(['Weekly export']);
    expect(result.job).toMatchObject({ status: 'SUCCEEDED', destination: { datasetId: result.datasetId } });
    expect(result.files).toHaveLength(2);
    for (const file of result.files) {
      expect(file.path.startsWith(dir)).toBe(true);
      expect(Buffer.compare(await readFile(file.path), Buffer.from(simulator.fileBytes(file.batchId, file.name)))).toBe(
        0,
      );
    }
  });

  it('writes one folder per segment with segmentPerBatch, into an existing dataset', async () => {
    const result = await exportSegments(client, {
      segments: ['seg-a', 'seg-b'],
      datasetId: 'ds-existing',
      segmentPerBatch: true,
      dir,
      ...FAST,
    });
    expect(simulator.datasets('dev')).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['seg-a', 'seg-b']);
    expect(new Set(result.files.map((file) => file.segmentId))).toEqual(new Set(['seg-a', 'seg-b']));
    expect(result.files.every((file) => file.path.includes(join(dir, file.segmentId!)))).toBe(true);
  });

  it('gives segment ids that sanitise alike distinct folders', async () => {
    const result = await exportSegments(client, {
      segments: ['a/b', 'a_b'],
      datasetId: 'ds',
      segmentPerBatch: true,
      dir,
      ...FAST,
    });
    expect((await readdir(dir)).sort()).toEqual(['a_b', 'a_b_2']);
    expect(result.files).toHaveLength(4);
  });

  it('refuses to start without exactly one of datasetId and createDataset, sending nothing', async () => {
    await expect(exportSegments(client, { segments: ['s'], dir })).rejects.toBeInstanceOf(RequestValidationError);
    await expect(
      exportSegments(client, { segments: ['s'], dir, datasetId: 'd', createDataset: { name: 'n' } }),
    ).rejects.toBeInstanceOf(RequestValidationError);
    await expect(exportSegments(client, { segments: [], dir, datasetId: 'd' })).rejects.toThrow(/segments/);
    expect(simulator.requests).toEqual([]);
  });

  it('validates the job request before creating a dataset for it', async () => {
    await expect(exportSegments(client, { segments: [''], createDataset: { name: 'n' }, dir })).rejects.toThrow(
      /segmentId/,
    );
    expect(simulator.datasets('dev')).toEqual([]);
  });

  it('carries the created job id on a failed wait, and resumes that export by jobId', async () => {
    let created: number | undefined;
    const error = await exportSegments(client, {
      segments: ['s'],
      datasetId: 'ds',
      dir,
      maxWait: 1,
      onCreated: (job) => (created = job.id),
      ...FAST,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ jobId: created });

    const resumed = await exportSegments(client, { segments: [], jobId: created!, dir, ...FAST });
    expect(resumed.job.id).toBe(created);
    expect(resumed.files).toHaveLength(2);
    expect(simulator.jobs('dev')).toHaveLength(1);
  });
});

describe('aep-export-jobs export', () => {
  it('runs the whole pipeline from the command line and lists the files', async () => {
    const server = await startSimulatorServer(simulator);
    try {
      let stdout = '';
      let stderr = '';
      const code = await runCli(
        [
          '--json',
          'export',
          '--segment',
          's1',
          's2',
          '--segment-per-batch',
          '--create-dataset',
          'CLI export',
          '--out',
          dir,
          '--min-delay',
          '1ms',
          '--max-delay',
          '2ms',
        ],
        {
          stdout: { write: (text: string) => (stdout += text) },
          stderr: { write: (text: string) => (stderr += text), isTTY: false },
          env: {
            AEP_ACCESS_TOKEN: 't',
            AEP_API_KEY: 'k',
            AEP_ORG_ID: ORG,
            AEP_SANDBOX_NAME: 'dev',
            AEP_BASE_URL: server.baseUrl,
          },
        },
      );
      expect(code).toBe(ExitCode.Success);
      const result = JSON.parse(stdout) as { status: string; files: Array<{ path: string; segmentId: string }> };
      expect(result.status).toBe('SUCCEEDED');
      expect(result.files).toHaveLength(4);
      expect(result.files.every((file) => existsSync(file.path))).toBe(true);
      expect(stderr).toMatch(/Created export job \d+ into dataset \w+/);
    } finally {
      await server.close();
    }
  });

  it('exits 2 when neither --dataset nor --create-dataset is given', async () => {
    let stderr = '';
    const code = await runCli(['export', '--segment', 's', '--out', dir], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
    });
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain('exactly one of --dataset <id> and --create-dataset <name>');
  });
});
