// Benchmark: paginate 100,000 export jobs (1,000 pages of 100) from a loopback server.
// Reports, against a baseline run in the same process and interleaved with it:
//   time  — paginateExportJobs vs a plain fetch loop (same headers, JSON.parse, no validation);
//   heap  — peak heap growth while iterating vs the retained size of one parsed page.
// Run: npm run bench   (builds first; needs --expose-gc, which the script passes)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ExportJobListSchema, ExportJobsClient, paginateExportJobs } from '../dist/index.js';

const JOBS = Number(process.env.JOBS ?? 100_000);
const LIMIT = 100;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');

const child = fork(fileURLToPath(new URL('./list-server.mjs', import.meta.url)), [], { env: { ...process.env, JOBS: String(JOBS) }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
const baseUrl = `http://127.0.0.1:${chunk.toString().trim()}/data/core/ups`;
const headers = { authorization: 'Bearer bench-token', 'x-api-key': 'bench', 'x-gw-ims-org-id': 'org@AdobeOrg', 'x-sandbox-name': 'prod', accept: 'application/json' };
const client = new ExportJobsClient({ accessToken: 'bench-token', apiKey: 'bench', orgId: 'org@AdobeOrg', sandboxName: 'prod', baseUrl });

function settleHeap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** The baseline: what a careful hand-written loop does, with no validation. */
async function rawLoop(track: (count: number) => void): Promise<number> {
  let count = 0;
  let url: string | undefined = `${baseUrl}/export/jobs?limit=${LIMIT}`;
  while (url) {
    const response = await fetch(url, { headers });
    const page = (await response.json()) as { records: unknown[]; link?: { next?: string } };
    count += page.records.length;
    track(count);
    url = page.link?.next && page.records.length ? `${baseUrl}${page.link.next}` : undefined;
  }
  return count;
}

async function sdkLoop(track: (count: number) => void): Promise<number> {
  let count = 0;
  for await (const _job of paginateExportJobs(client, { limit: LIMIT })) {
    count++;
    if (count % LIMIT === 0) track(count);
  }
  return count;
}

async function time(loop: (track: (count: number) => void) => Promise<number>): Promise<number> {
  const started = performance.now();
  const count = await loop(() => {});
  if (count !== JOBS) throw new Error(`expected ${JOBS} jobs, got ${count}`);
  return performance.now() - started;
}

/**
 * Peak retained heap while iterating: a full GC every 10 pages, so garbage awaiting collection
 * does not count, only what the loop holds on to. Untimed.
 */
async function retained(loop: (track: (count: number) => void) => Promise<number>): Promise<number> {
  const before = settleHeap();
  let peak = 0;
  await loop((count) => {
    if (count % (LIMIT * 10) === 0) peak = Math.max(peak, settleHeap() - before);
  });
  return peak;
}

/** Retained heap of one parsed, validated page of LIMIT jobs (the mean of ten held at once). */
async function onePageSize(): Promise<number> {
  const body = await (await fetch(`${baseUrl}/export/jobs?limit=${LIMIT}`, { headers })).text();
  const before = settleHeap();
  const held = Array.from({ length: 10 }, () => ExportJobListSchema.parse(JSON.parse(body)));
  const after = settleHeap();
  if (held.some((page) => page.records.length !== LIMIT)) throw new Error('short page');
  return (after - before) / held.length;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

await time(rawLoop); // warm-up both paths once
await time(sdkLoop);
const page = await onePageSize();
const raw: number[] = [];
const sdk: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  raw.push(await time(rawLoop));
  sdk.push(await time(sdkLoop));
}
const rawHeap = await retained(rawLoop);
const sdkHeap = await retained(sdkLoop);
child.disconnect();

console.log(`paginate ${JOBS.toLocaleString('en')} jobs, ${JOBS / LIMIT} pages of ${LIMIT}; ${ROUNDS} interleaved rounds; Node ${process.versions.node}`);
console.log(`time  raw fetch loop median ${median(raw).toFixed(0)} ms | paginateExportJobs median ${median(sdk).toFixed(0)} ms | ratio ${(median(sdk) / median(raw)).toFixed(2)}x`);
console.log(`heap  one page retained ${kb(page)} | peak retained growth: paginateExportJobs ${kb(sdkHeap)} (${(sdkHeap / page).toFixed(2)} pages), raw loop ${kb(rawHeap)}`);
