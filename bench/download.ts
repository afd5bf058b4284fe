// Benchmark: download a 50 MB exported batch (5 files x 10 MB by default) with
// client.downloadBatchFiles, from the simulator's loopback server running in a CHILD process (so
// that its memory is its own), against a plain fetch + pipeline-to-disk loop.
//   memory — peak RSS growth of the client process during one download (RSS sampled every 2 ms,
//            from just before the download to its end), measured in a fresh client process per
//            loop so that one loop's allocations cannot hide the other's. Goal: SDK < 20 MB.
//   time   — wall time of one download in this process, interleaved rounds alternating which
//            loop goes first, medians; every file is checked byte-identical between the loops.
//
// Runs on the built dist: `npm run build && node --expose-gc bench/download.ts` (or from
// bench/run.ts, to which it reports like the other benchmarks).
// Settings (environment): FILES (5), FILE_MB (10), ROUNDS (5), CONCURRENCY (4), MEMORY_RUNS (3
// fresh client processes per loop; the median is reported), CHILD_FLAGS (extra
// node flags for the child processes, e.g. `--max-semi-space-size=1` to cap V8's young generation,
// which is what most of the RSS growth is: memory the allocation churn of streaming makes V8
// reserve, not bytes held; it is the same for the plain fetch loop and does not grow with size).
//
// The same file is also the server (`--serve`) and a measuring client (`--measure sdk|fetch`).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ExportJobsClient, waitForCompletion } from '../dist/index.js';
import { ExportJobsSimulator, startSimulatorServer } from '../dist/testing/index.js';
import { ratio, report } from './lib.ts';

const FILES = Number(process.env.FILES ?? 5);
const FILE_BYTES = Math.round(Number(process.env.FILE_MB ?? 10) * 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const MEMORY_RUNS = Number(process.env.MEMORY_RUNS ?? 3);
const RSS_GOAL = 20 * 1024 * 1024;
const SAMPLE_MS = 2;
const SELF = fileURLToPath(import.meta.url);
const AUTH = {
  accessToken: 'bench-token',
  apiKey: 'bench-client',
  orgId: 'BENCH0000000000000000000@AdobeOrg',
  sandboxName: 'bench',
};
const RAW_HEADERS = {
  authorization: `Bearer ${AUTH.accessToken}`,
  'x-api-key': AUTH.apiKey,
  'x-gw-ims-org-id': AUTH.orgId,
  'x-sandbox-name': AUTH.sandboxName,
  accept: '*/*',
};

type Loop = 'sdk' | 'fetch';
interface Target {
  baseUrl: string;
  dataAccessUrl: string;
  batchId: string;
}
interface Run {
  ms: number;
  /** Peak RSS minus the RSS just before the download, in bytes. */
  rssGrowth: number;
  /** The same for V8's heap (`heapTotal`, reserved) and for Buffers/ArrayBuffers outside it. */
  heapGrowth: number;
  buffersGrowth: number;
  bytes: number;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// ---------------------------------------------------------------------------------------------
// The server child: a loopback simulator whose finished jobs hold FILES files of FILE_BYTES.

async function serve(): Promise<void> {
  const simulator = new ExportJobsSimulator({
    // A real clock with short durations: the job is created and waited for through the SDK.
    durations: { new: 50, processing: 200 },
    exportFiles: { filesPerBatch: FILES, bytesPerFile: FILE_BYTES },
  });
  const server = await startSimulatorServer(simulator);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  process.stdout.write(
    `${JSON.stringify({ baseUrl: server.baseUrl, dataAccessUrl: server.dataAccessUrl, rss: process.memoryUsage().rss })}\n`,
  );
  // The parent closes stdin when done: report and leave.
  process.stdin.resume();
  process.stdin.on('end', () => {
    clearInterval(sampler);
    process.stdout.write(`${JSON.stringify({ serverPeakRss: peak, requests: simulator.requests.length })}\n`);
    void server.close().then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------
// The two loops.

function makeClient(baseUrl: string): ExportJobsClient {
  return new ExportJobsClient({ ...AUTH, baseUrl, timeout: 120_000 });
}

async function download(loop: Loop, target: Target, dir: string, client: ExportJobsClient): Promise<number> {
  if (loop === 'sdk') {
    const files = await client.downloadBatchFiles(target.batchId, { dir, concurrency: CONCURRENCY });
    return files.reduce((sum, file) => sum + file.bytes, 0);
  }
  // The baseline: what a careful hand-written loop does. It lists with the SDK (not timed apart:
  // the SDK loop lists too), then fetches each file straight to disk, CONCURRENCY at a time.
  const files = await client.listBatchFiles(target.batchId);
  let total = 0;
  let next = 0;
  await mkdir(dir, { recursive: true });
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const response = await fetch(`${target.dataAccessUrl}/${file.downloadPath}`, { headers: RAW_HEADERS });
      if (!response.ok || !response.body) throw new Error(`GET ${file.downloadPath} -> ${response.status}`);
      await pipeline(
        Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
        createWriteStream(join(dir, file.name)),
      );
      total += Number(response.headers.get('content-length'));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  return total;
}

/** One download, timed, with the client process's RSS sampled from just before it to its end. */
async function measured(loop: Loop, target: Target, dir: string, client: ExportJobsClient): Promise<Run> {
  settle();
  const before = process.memoryUsage();
  const peak = { ...before };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapTotal = Math.max(peak.heapTotal, now.heapTotal);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  const started = performance.now();
  try {
    const bytes = await download(loop, target, dir, client);
    const ms = performance.now() - started;
    sample();
    return {
      ms,
      rssGrowth: peak.rss - before.rss,
      heapGrowth: peak.heapTotal - before.heapTotal,
      buffersGrowth: peak.arrayBuffers - before.arrayBuffers,
      bytes,
    };
  } finally {
    clearInterval(sampler);
  }
}

function settle(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

// ---------------------------------------------------------------------------------------------
// A fresh measuring client: `--measure sdk|fetch <target json>`; prints its Run as JSON.

async function measure(loop: Loop, target: Target): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `aep-bench-${loop}-`));
  try {
    const client = makeClient(target.baseUrl);
    // Load what the loop needs before measuring (the client's modules, undici's connection).
    await client.listBatchFiles(target.batchId);
    const run = await measured(loop, target, dir, client);
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CHILD_FLAGS = process.env.CHILD_FLAGS ? process.env.CHILD_FLAGS.split(' ').filter(Boolean) : [];

function runChild(
  args: string[],
  onLine?: (line: string) => void,
  flags: string[] = CHILD_FLAGS,
): Promise<{ lines: string[]; child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, ['--expose-gc', ...flags, SELF, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const reader = createInterface({ input: child.stdout });
  reader.on('line', (line) => {
    lines.push(line);
    onLine?.(line);
  });
  return Promise.resolve({ lines, child });
}

async function freshRun(loop: Loop, target: Target, flags?: string[]): Promise<Run> {
  const { lines, child } = await runChild(['--measure', loop, JSON.stringify(target)], undefined, flags);
  const [code] = await new Promise<[number | null]>((resolve) => child.on('close', (exitCode) => resolve([exitCode])));
  if (code !== 0 || lines.length === 0) throw new Error(`the ${loop} measuring client exited with ${code}`);
  return JSON.parse(lines.at(-1)!) as Run;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The main process: start the server child, export a batch through the SDK, measure.

async function main(): Promise<void> {
  const serverLines: string[] = [];
  let ready: (line: string) => void = () => {};
  const first = new Promise<string>((resolve) => (ready = resolve));
  const { child: server } = await runChild(['--serve'], (line) => {
    serverLines.push(line);
    if (serverLines.length === 1) ready(line);
  });
  try {
    const {
      baseUrl,
      dataAccessUrl,
      rss: serverStartRss,
    } = JSON.parse(await first) as { baseUrl: string; dataAccessUrl: string; rss: number };
    const client = makeClient(baseUrl);
    const datasetId = await client.createProfileExportDataset({ name: 'download benchmark' });
    const created = await client.createExportJob({
      destination: { datasetId },
      schema: { name: '_xdm.context.profile' },
    });
    const job = await waitForCompletion(client, created.id, { minDelay: 50, maxDelay: 100 });
    if (job.destination.segmentPerBatch || !job.destination.batchId) throw new Error('expected one batch');
    const target: Target = { baseUrl, dataAccessUrl, batchId: job.destination.batchId };
    const listed = await client.listBatchFiles(target.batchId);
    const totalBytes = listed.reduce((sum, file) => sum + (file.length ?? 0), 0);
    console.log(
      `Batch ${target.batchId}: ${listed.length} files, ${mb(totalBytes)} (${totalBytes} bytes), concurrency ${CONCURRENCY}, server in child pid ${server.pid}`,
    );

    // Memory: fresh client processes, alternating loops; the run with the median RSS growth of each.
    const fresh: Record<Loop, Run[]> = { sdk: [], fetch: [] };
    for (let run = 0; run < MEMORY_RUNS; run += 1) {
      for (const loop of run % 2 === 0 ? (['sdk', 'fetch'] as const) : (['fetch', 'sdk'] as const))
        fresh[loop].push(await freshRun(loop, target));
    }
    const medianRun = (runs: Run[]) =>
      [...runs].sort((a, b) => a.rssGrowth - b.rssGrowth)[Math.floor(runs.length / 2)]!;
    const memory: Record<Loop, Run> = { sdk: medianRun(fresh.sdk), fetch: medianRun(fresh.fetch) };
    // The same with V8's young generation capped at 1 MB, so that dead Buffers are collected sooner.
    const capped: Run[] = [];
    for (let run = 0; run < MEMORY_RUNS; run += 1)
      capped.push(await freshRun('sdk', target, ['--max-semi-space-size=1']));
    const cappedSdk = medianRun(capped);

    // Time: interleaved rounds in this process, alternating which loop goes first.
    const times: Record<Loop, number[]> = { sdk: [], fetch: [] };
    const root = await mkdtemp(join(tmpdir(), 'aep-bench-'));
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const order: Loop[] = round % 2 === 0 ? ['sdk', 'fetch'] : ['fetch', 'sdk'];
        for (const loop of order) {
          const dir = join(root, `${loop}-${round}`);
          const run = await measured(loop, target, dir, client);
          if (run.bytes !== totalBytes) throw new Error(`${loop} wrote ${run.bytes} bytes, expected ${totalBytes}`);
          times[loop].push(run.ms);
        }
        if (round === 0) {
          // Both loops wrote the same bytes.
          for (const file of listed) {
            const [sdk, plain] = await Promise.all([
              sha256(join(root, 'sdk-0', file.name)),
              sha256(join(root, 'fetch-0', file.name)),
            ]);
            if (sdk !== plain) throw new Error(`${file.name} differs between the SDK and the fetch loop`);
          }
        }
        for (const loop of order) await rm(join(root, `${loop}-${round}`), { recursive: true, force: true });
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }

    server.stdin!.end();
    await new Promise((resolve) => server.on('close', resolve));
    const serverReport =
      serverLines.length > 1 ? (JSON.parse(serverLines.at(-1)!) as { serverPeakRss: number }) : undefined;

    const [sdkMs, fetchMs] = [median(times.sdk), median(times.fetch)];
    const throughput = (ms: number) => `${(totalBytes / 1_000_000 / (ms / 1000)).toFixed(0)} MB/s`;
    const row = (loop: Loop, ms: number) => [
      loop === 'sdk' ? 'client.downloadBatchFiles' : 'fetch + pipeline to disk',
      mb(memory[loop].rssGrowth),
      mb(memory[loop].heapGrowth),
      mb(memory[loop].buffersGrowth),
      `${ms.toFixed(0)} ms`,
      throughput(ms),
      ratio(ms / fetchMs),
    ];
    const pass = memory.sdk.rssGrowth < RSS_GOAL;
    const overBaseline = memory.sdk.rssGrowth - memory.fetch.rssGrowth;
    report({
      id: 'download',
      title: `downloadBatchFiles: a ${mb(totalBytes)} batch (${listed.length} files) from a loopback server in a child process`,
      method:
        `Peak RSS growth of the client process over one download (RSS sampled every ${SAMPLE_MS} ms from just before it), in a fresh client process per run, ` +
        `median of ${MEMORY_RUNS} runs per loop; time: ${ROUNDS} interleaved rounds in one process alternating which loop goes first, medians. ` +
        `Concurrency ${CONCURRENCY} for both loops; the simulator's server runs in its own process, so its memory is not counted.`,
      head: ['loop', 'peak RSS growth', 'V8 heap', 'Buffers', 'time', 'throughput', 'vs fetch'],
      rows: [row('sdk', sdkMs), row('fetch', fetchMs)],
      figures: [
        {
          name: 'downloadBatchFiles peak RSS growth (default V8 flags)',
          value: mb(memory.sdk.rssGrowth),
          goal: `< ${mb(RSS_GOAL)}`,
          pass,
        },
        {
          name: "the same, less the plain fetch loop's",
          value: `${overBaseline >= 0 ? '+' : '-'}${mb(Math.abs(overBaseline))}`,
        },
        {
          name: 'downloadBatchFiles peak RSS growth (--max-semi-space-size=1)',
          value: mb(cappedSdk.rssGrowth),
          goal: `< ${mb(RSS_GOAL)}`,
          pass: cappedSdk.rssGrowth < RSS_GOAL,
        },
        { name: 'downloadBatchFiles / fetch + pipeline (median time)', value: ratio(sdkMs / fetchMs) },
      ],
      notes: [
        `Fresh-process RSS growth, every run: SDK ${fresh.sdk.map((run) => mb(run.rssGrowth)).join(', ')}; fetch ${fresh.fetch.map((run) => mb(run.rssGrowth)).join(', ')}; SDK with --max-semi-space-size=1 ${capped.map((run) => mb(run.rssGrowth)).join(', ')}.`,
        "The growth is Buffers/ArrayBuffers the streams have already let go of (undici's socket reads), waiting for the next scavenge of V8's young generation: the V8 heap itself barely grows, the plain fetch loop grows as much, and it does not grow with the batch (FILE_MB=40 for 200 MB shows as much). Capping the young generation makes V8 collect them sooner.",
        `Rounds (ms): SDK ${times.sdk.map((ms) => ms.toFixed(0)).join(', ')}; fetch ${times.fetch.map((ms) => ms.toFixed(0)).join(', ')}. Every file is checked byte-identical between the two loops.`,
        ...(serverReport
          ? [
              `Server child: RSS ${mb(serverStartRss)} at start, ${mb(serverReport.serverPeakRss)} at its peak while serving ${MEMORY_RUNS * 3 + ROUNDS * 2} downloads of the batch, generated on the fly.`,
            ]
          : []),
      ],
    });
    // Fails only for growth the SDK adds: over the goal AND more than 5 MB above the plain loop.
    if (!pass && overBaseline > 5 * 1024 * 1024) process.exitCode = 1;
  } finally {
    if (server.exitCode === null) server.kill();
  }
}

const mode = process.argv[2];
if (mode === '--serve') await serve();
else if (mode === '--measure') await measure(process.argv[3] as Loop, JSON.parse(process.argv[4]!) as Target);
else await main();
