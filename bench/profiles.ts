// Benchmark: an export of PROFILES profiles (default 1 000 000, the size) from the
// simulator to rows, in three measures:
//   serving — the simulator, in a child process of its own, serves the export's real Parquet files
//             (generated on demand) to exportSegments (downloads through the SDK); its peak RSS growth is measured
//             at PROFILES and at PROFILES / 5: bounded serving means the two are close.
//   reading — the downloaded files read as JS objects with readExportedProfiles, against
//             @duckdb/node-api materialising the same rows as objects (getRowObjectsJS), each read
//             in a fresh child process (time, and peak RSS growth sampled every 5 ms), ROUNDS
//             rounds alternating which goes first; medians, and the worst RSS.
//   converting — the same rows through toNdjsonLines and toCsvRows, in MB/s of output.
// Runs on the built dist (`npm run bench:profiles` builds first). Settings: PROFILES, ROUNDS (2).
// The same file is the server (`--serve <profiles>`) and a measuring child (`--measure <kind> <dir>`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ExportJobsClient, exportSegments, readExportedProfiles, toCsvRows, toNdjsonLines } from '../dist/index.js';
import { ExportJobsSimulator, startSimulatorServer } from '../dist/testing/index.js';
import { median, ratio, report } from './lib.ts';

const PROFILES = Number(process.env.PROFILES ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const RSS_GOAL = 200 * 1024 * 1024;
const SELF = fileURLToPath(import.meta.url);
const AUTH = { accessToken: 'bench-token', apiKey: 'bench', orgId: 'BENCH@AdobeOrg', sandboxName: 'bench' };

interface Measure {
  ms: number;
  rows: number;
  rss: number;
  bytes?: number;
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString('en');

/** Samples this process's RSS from now until `stop`, returning the peak growth. */
function rssSampler(): () => number {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss()) - base;
  };
}

// ---------------------------------------------------------------------------------------------
// The server child: a loopback simulator whose jobs export `profiles` profiles.

async function serve(profiles: number): Promise<void> {
  const simulator = new ExportJobsSimulator({ durations: { new: 20, processing: 50 }, profilesPerSegment: profiles });
  const server = await startSimulatorServer(simulator);
  const stop = rssSampler();
  process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    process.stdout.write(`${JSON.stringify({ rss: stop() })}\n`);
    void server.close().then(() => process.exit(0));
  });
}

/** Exports `profiles` profiles from a fresh server child into `dir`; the server's peak RSS growth and the bytes. */
async function exportFrom(profiles: number, dir: string): Promise<{ rss: number; bytes: number; ms: number }> {
  const child = spawn(process.execPath, [SELF, '--serve', String(profiles)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(((await lines.next()).value as string | undefined) ?? 'null') as unknown;
  const { baseUrl } = (await next()) as { baseUrl: string };
  const client = new ExportJobsClient({ ...AUTH, baseUrl, timeout: 300_000 });
  const started = performance.now();
  const result = await exportSegments(client, {
    segments: ['bench-segment'],
    createDataset: { name: 'profiles benchmark' },
    dir,
    minDelay: 20,
    maxDelay: 50,
  });
  const ms = performance.now() - started;
  child.stdin.end();
  const { rss } = (await next()) as { rss: number };
  return { rss, ms, bytes: result.files.reduce((sum, file) => sum + file.bytes, 0) };
}

// ---------------------------------------------------------------------------------------------
// A measuring child: one full read of `dir` by `kind`.

async function measure(kind: string, dir: string): Promise<Measure> {
  if (kind === 'duckdb') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const connection = await (await DuckDBInstance.create()).connect();
    const stop = rssSampler();
    const started = performance.now();
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${dir}/**/*.parquet')`);
    const rows = reader.getRowObjectsJS().length;
    return { ms: performance.now() - started, rows, rss: stop() };
  }
  const stop = rssSampler();
  const started = performance.now();
  let rows = 0;
  let bytes = 0;
  if (kind === 'sdk') {
    for await (const row of readExportedProfiles(dir)) if (row) rows += 1;
  } else {
    const lines = kind === 'csv' ? toCsvRows(readExportedProfiles(dir)) : toNdjsonLines(readExportedProfiles(dir));
    for await (const line of lines) {
      rows += 1;
      bytes += Buffer.byteLength(line);
    }
    if (kind === 'csv') rows -= 1; // the header
  }
  return { ms: performance.now() - started, rows, rss: stop(), bytes };
}

function runChild(kind: string, dir: string): Measure {
  const out = execFileSync(process.execPath, [SELF, '--measure', kind, dir], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measure;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'aep-bench-profiles-'));
  try {
    const small = await exportFrom(PROFILES / 5, join(root, 'small'));
    await rm(join(root, 'small'), { recursive: true, force: true });
    const dir = join(root, 'export');
    const large = await exportFrom(PROFILES, dir);
    const runs = { sdk: [] as Measure[], duckdb: [] as Measure[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const kind of round % 2 ? (['duckdb', 'sdk'] as const) : (['sdk', 'duckdb'] as const))
        runs[kind].push(runChild(kind, dir));
    }
    const ndjson = runChild('ndjson', dir);
    const csv = runChild('csv', dir);
    for (const [kind, run] of [
      ...Object.entries(runs).flatMap(([k, list]) => list.map((r) => [k, r] as const)),
      ['ndjson', ndjson],
      ['csv', csv],
    ] as const) {
      if (run.rows !== PROFILES) throw new Error(`${kind} read ${run.rows} rows, not ${PROFILES}`);
    }
    const time = (list: Measure[]) => median(list.map((run) => run.ms));
    const worst = (list: Measure[]) => Math.max(...list.map((run) => run.rss));
    const [sdk, duck] = [time(runs.sdk), time(runs.duckdb)];
    const mbs = (run: Measure) => run.bytes! / 1024 ** 2 / (run.ms / 1000);
    const growth = large.rss / small.rss;
    report({
      id: 'profiles',
      title: `An export of ${PROFILES.toLocaleString('en')} profiles, served, read and converted`,
      method:
        `The simulator (a child process) serves an export of ${PROFILES.toLocaleString('en')} profiles ` +
        `(default fields: nested identities and personalEmail; ${mb(large.bytes)} of snappy Parquet) to ` +
        `exportSegments, and one of ${(PROFILES / 5).toLocaleString('en')} for comparison. The files ` +
        `are then read in a fresh child process per read, ${ROUNDS} rounds alternating which reader goes ` +
        'first: medians, and the worst peak RSS growth.',
      head: ['measure', 'time', 'throughput', 'peak RSS growth'],
      rows: [
        [
          `serving ${(PROFILES / 5).toLocaleString('en')} profiles`,
          `${(small.ms / 1000).toFixed(1)} s`,
          '',
          mb(small.rss),
        ],
        [`serving ${PROFILES.toLocaleString('en')} profiles`, `${(large.ms / 1000).toFixed(1)} s`, '', mb(large.rss)],
        ['readExportedProfiles', `${(sdk / 1000).toFixed(2)} s`, `${rate(PROFILES, sdk)} rows/s`, mb(worst(runs.sdk))],
        [
          '@duckdb/node-api getRowObjectsJS',
          `${(duck / 1000).toFixed(2)} s`,
          `${rate(PROFILES, duck)} rows/s`,
          mb(worst(runs.duckdb)),
        ],
        [
          'readExportedProfiles + toNdjsonLines',
          `${(ndjson.ms / 1000).toFixed(2)} s`,
          `${mbs(ndjson).toFixed(1)} MB/s`,
          mb(ndjson.rss),
        ],
        [
          'readExportedProfiles + toCsvRows',
          `${(csv.ms / 1000).toFixed(2)} s`,
          `${mbs(csv).toFixed(1)} MB/s`,
          mb(csv.rss),
        ],
      ],
      figures: [
        { name: 'read throughput vs duckdb', value: ratio(duck / sdk), goal: '>= 1.00x', pass: duck / sdk >= 1 },
        {
          name: 'read peak RSS growth',
          value: mb(worst(runs.sdk)),
          goal: '< 200 MB',
          pass: worst(runs.sdk) < RSS_GOAL,
        },
        { name: 'NDJSON throughput', value: `${mbs(ndjson).toFixed(1)} MB/s` },
        { name: 'NDJSON peak RSS growth', value: mb(ndjson.rss), goal: '< 200 MB', pass: ndjson.rss < RSS_GOAL },
        { name: 'CSV peak RSS growth', value: mb(csv.rss), goal: '< 200 MB', pass: csv.rss < RSS_GOAL },
        {
          name: `serving peak RSS growth, ${PROFILES.toLocaleString('en')} vs ${(PROFILES / 5).toLocaleString('en')} profiles`,
          value: ratio(growth),
          goal: '<= 1.50x',
          pass: growth <= 1.5,
        },
      ],
      notes: [
        `Serving ${PROFILES.toLocaleString('en')} profiles took ${mb(large.rss)} of peak RSS growth in the simulator's process, for ${mb(large.bytes)} of files: they are generated a row group at a time, never held whole.`,
      ],
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve') await serve(Number(process.argv[3]));
else if (process.argv[2] === '--measure')
  console.log(JSON.stringify(await measure(process.argv[3]!, process.argv[4]!)));
else await main();
