// `aep-export-jobs export --format ndjson|csv`: the exported profiles converted into one file (or
// stdout) as the Parquet files arrive, through a staging folder that a resume reuses.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-codes.js';
import {
  ConfigurationError,
  ExportJobsClient,
  exportSegments,
  readExportedProfiles,
  toNdjsonLines,
  type ExportSegmentsResult,
} from '../src/index.js';
import { useCliSimulator } from './helpers/cli.js';

const PROFILES = 30;
const { simulator, server, cli } = useCliSimulator({
  exportFiles: { filesPerBatch: 3 },
  profilesPerSegment: PROFILES,
});
const FAST = ['--min-delay', '1ms', '--max-delay', '5ms'];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aep-cli-export-format-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** What `readExportedProfiles` gives for `source`, as NDJSON text. */
async function ndjsonOf(source: string | string[]): Promise<string> {
  let text = '';
  for await (const line of toNdjsonLines(readExportedProfiles(source))) text += line;
  return text;
}

const lastJob = () => simulator.jobs('dev').at(-1)!;

/** `export` of seg-1 into ds-1 as `format` to `out`, then `extra` flags, and the short wait. */
const exportSeg1 = (format: string, out: string, ...extra: string[]) => [
  'export',
  ...['--segment', 'seg-1', '--dataset', 'ds-1', '--format', format, '--out', out],
  ...extra,
  ...FAST,
];

describe('export --format ndjson', () => {
  it("writes one JSON object per line, exactly the rows readExportedProfiles reads from the job's Parquet files", async () => {
    const out = join(dir, 'profiles.ndjson');
    const { code, stdout, stderr } = await cli(exportSeg1('ndjson', out, '--keep-parquet'));
    expect(code, stderr).toBe(ExitCode.Success);
    expect(stdout).toBe('');
    const text = await readFile(out, 'utf8');
    expect(text).toBe(await ndjsonOf(`${out}.parquet`));
    expect(text.trimEnd().split('\n')).toHaveLength(lastJob().metrics!.totalExportedProfileCounter!);
    expect(stderr).toContain(`${PROFILES} profiles written to ${out}\n`);
    expect(stderr).toContain(`Parquet files kept in ${out}.parquet\n`);
    expect((await readdir(`${out}.parquet`)).filter((name) => name.endsWith('.parquet'))).toHaveLength(3);
  });

  it('removes the staging folder after success and leaves only the output file', async () => {
    const out = join(dir, 'profiles.ndjson');
    const { code, stderr } = await cli(exportSeg1('ndjson', out));
    expect(code, stderr).toBe(ExitCode.Success);
    expect(await readdir(dir)).toEqual(['profiles.ndjson']);
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toHaveLength(PROFILES);
  });

  it('with --json, adds the format, the output and the number of profiles to the result', async () => {
    const out = join(dir, 'profiles.ndjson');
    const { code, stdout, stderr } = await cli(['--json', ...exportSeg1('ndjson', out)]);
    expect(code, stderr).toBe(ExitCode.Success);
    expect(JSON.parse(stdout)).toMatchObject({
      jobId: lastJob().id,
      status: 'SUCCEEDED',
      format: 'ndjson',
      out,
      profiles: PROFILES,
      files: expect.any(Array),
    });
  });
});

describe('export --format csv', () => {
  it('writes a header of dot-path columns, then one line per exported profile', async () => {
    const out = join(dir, 'audience.csv');
    const { code, stderr } = await cli(exportSeg1('csv', out));
    expect(code, stderr).toBe(ExitCode.Success);
    const [header, ...rows] = (await readFile(out, 'utf8')).trimEnd().split('\r\n');
    const columns = header!.split(',');
    expect(columns).toEqual(
      expect.arrayContaining(['_id', 'person.name.firstName', 'personalEmail.address', 'homeAddress.city']),
    );
    expect(columns).not.toContain('person');
    expect(rows).toHaveLength(lastJob().metrics!.totalExportedProfileCounter!);
  });

  it("takes the columns from the files' schema: a struct null in every row still gets its dot-path columns", async () => {
    const out = join(dir, 'audience.csv');
    const { code, stderr } = await cli([
      'export',
      '--segment',
      'seg-1',
      '--dataset',
      'ds-1',
      '--fields',
      '_id,loyalty.tier',
      '--format',
      'csv',
      '--out',
      out,
      ...FAST,
    ]);
    expect(code, stderr).toBe(ExitCode.Success);
    const [header, row] = (await readFile(out, 'utf8')).split('\r\n');
    expect(header).toBe('_id,loyalty.tier');
    expect(row).toMatch(/^[\w-]+,$/);
  });
});

describe('export --out -', () => {
  it('streams the rows to stdout in the same order with --concurrency 1 and 4, segment after segment', async () => {
    const kept = join(dir, 'kept');
    const first = await cli([
      'export',
      '--segment',
      'seg-a',
      'seg-b',
      'seg-c',
      '--dataset',
      'ds-1',
      '--segment-per-batch',
      '--format',
      'ndjson',
      '--out',
      '-',
      '--concurrency',
      '1',
      '--parquet-dir',
      kept,
      '--keep-parquet',
      ...FAST,
    ]);
    expect(first.code, first.stderr).toBe(ExitCode.Success);
    // The first file of each batch arrives last: the output must not follow the arrivals.
    simulator.inject(
      { kind: 'latency', ms: 150 },
      { times: 3, match: { path: '/files/:id', query: { path: /00000/ } } },
    );
    const second = await cli([
      'export',
      '--job',
      String(lastJob().id),
      '--format',
      'ndjson',
      '--out',
      '-',
      '--concurrency',
      '4',
      ...FAST,
    ]);
    expect(second.code, second.stderr).toBe(ExitCode.Success);
    expect(second.stdout).toBe(first.stdout);
    expect(first.stdout).toBe(await ndjsonOf(kept));
    const segments = first.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { segmentId: string }).segmentId);
    expect(segments).toEqual(['seg-a', 'seg-b', 'seg-c'].flatMap((segment) => Array<string>(PROFILES).fill(segment)));
    expect(second.stderr).toContain(`${PROFILES * 3} profiles written to stdout\n`);
  });
});

describe('export --format after a failure', () => {
  it('leaves no file under the final name, keeps the staging folder, and its resume command gives the same output', async () => {
    const out = join(dir, 'profiles.ndjson');
    const staging = join(dir, 'staging');
    // The second file breaks off after 500 bytes, then its resume is refused: the export stops half-way.
    const second = { path: '/files/:id', query: { path: /00001/ } };
    simulator.inject({ kind: 'drop', afterBytes: 500 }, { match: second });
    simulator.inject({ kind: 'status', status: 403 }, { match: second });
    const failed = await cli(exportSeg1('ndjson', out, '--parquet-dir', staging));
    expect(failed.code).toBe(ExitCode.ApiError);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const staged = await readdir(staging);
    expect(staged.some((name) => name.endsWith('.parquet.part'))).toBe(true);
    const id = lastJob().id;
    const resume = new RegExp(
      `^To resume: (aep-export-jobs export --job ${id} --out ${out} --format ndjson --parquet-dir ${staging})$`,
      'm',
    ).exec(failed.stderr);
    expect(resume, failed.stderr).not.toBeNull();

    const downloadsBefore = simulator.requests.length;
    const [, ...args] = resume![1]!.split(' ');
    const resumed = await cli([...args, ...FAST]);
    expect(resumed.code, resumed.stderr).toBe(ExitCode.Success);
    // The complete file is not downloaded again.
    const fetched = simulator.requests.slice(downloadsBefore).map((request) => request.query.path ?? '');
    expect(fetched.filter((name) => name.includes('00000'))).toEqual([]);

    const uninterrupted = join(dir, 'again.ndjson');
    const again = await cli(['export', '--job', String(id), '--format', 'ndjson', '--out', uninterrupted, ...FAST]);
    expect(again.code, again.stderr).toBe(ExitCode.Success);
    expect(await readFile(out, 'utf8')).toBe(await readFile(uninterrupted, 'utf8'));
    expect(existsSync(staging)).toBe(false);
  });

  it('ends with the unreadable file named, and writes no output, when a downloaded file is not Parquet', async () => {
    const first = await cli(['export', '--segment', 'seg-1', '--dataset', 'ds-1', '--out', join(dir, 'pq'), ...FAST]);
    expect(first.code, first.stderr).toBe(ExitCode.Success);
    const job = lastJob();
    simulator.addBatchFile(job.destination.batchId!, 'part-99999-bad.snappy.parquet', new TextEncoder().encode('PAR1'));
    const out = join(dir, 'profiles.ndjson');
    const { code, stderr } = await cli([
      'export',
      '--job',
      String(job.id),
      '--format',
      'ndjson',
      '--out',
      out,
      ...FAST,
    ]);
    expect(code).toBe(ExitCode.ApiError);
    expect(stderr).toMatch(/ProfileReadError: .*part-99999-bad\.snappy\.parquet/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('export --format usage', () => {
  it('refuses an unknown format with exit code 2, naming --format and the choices, before creating anything', async () => {
    const { code, stderr } = await cli(['export', '--segment', 's', '--dataset', 'd', '--out', dir, '--format', 'xml']);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(/--format must be parquet, ndjson or csv; got "xml"/);
    expect(simulator.jobs('dev')).toEqual([]);
  });

  it('refuses --json with --out -, where both would share stdout', async () => {
    const { code, stderr } = await cli(['--json', 'export', '--job', '1', '--format', 'csv', '--out', '-']);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(/--json .* --out -/);
  });
});

describe('exportSegments onFileDownloaded', () => {
  const sdkClient = () =>
    new ExportJobsClient({
      accessToken: 'sdk-token',
      apiKey: 'sdk-key',
      orgId: 'SDK@AdobeOrg',
      sandboxName: 'dev',
      baseUrl: server().baseUrl,
    });

  it('tells of every file once it is on disk, in the order of the result, with its batch and segment', async () => {
    const client = sdkClient();
    const told: ExportSegmentsResult['files'] = [];
    const result = await exportSegments(client, {
      segments: ['seg-a', 'seg-b'],
      datasetId: 'ds-1',
      segmentPerBatch: true,
      dir,
      minDelay: 1,
      maxDelay: 5,
      onFileDownloaded: (file) => {
        expect(statSync(file.path).size).toBe(file.bytes);
        told.push(file);
      },
    });
    expect(told).toEqual(result.files);
    expect(told.map((file) => file.segmentId)).toEqual(['seg-a', 'seg-a', 'seg-a', 'seg-b', 'seg-b', 'seg-b']);
  });

  it('tells of a file while a later file of the same batch is still downloading', async () => {
    simulator.inject({ kind: 'latency', ms: 300 }, { match: { path: '/files/:id', query: { path: /00002/ } } });
    const lastOnDisk: boolean[] = [];
    await exportSegments(sdkClient(), {
      segments: ['seg-a'],
      datasetId: 'ds-1',
      dir,
      minDelay: 1,
      maxDelay: 5,
      onFileDownloaded: () => lastOnDisk.push(readdirSync(dir).some((name) => /00002.*\.parquet$/.test(name))),
    });
    expect(lastOnDisk).toEqual([false, false, true]);
  });

  it.each([
    'onFileDownloaded',
    'onDownloadProgress',
    'onDatasetCreated',
    'onReconcile',
    'onCreated',
    'onPoll',
    'onStatusChange',
    'onCancel',
  ])('refuses an %s that is not a function before a dataset or a job is created', async (name) => {
    const sent = simulator.requests.length;
    const options = { segments: ['seg-a'], createDataset: { name: 'never' }, dir, [name]: 'log' };
    const error = await exportSegments(sdkClient(), options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(name);
    expect(simulator.requests.slice(sent).filter((request) => request.method !== 'GET')).toEqual([]);
    expect(simulator.jobs('dev')).toEqual([]);
  });
});
