// Benchmark 3: paginate 100,000 export jobs (1,000 pages of 100) from a loopback server.
//   time — listExportJobs iteration vs a plain fetch loop (same headers, JSON.parse, no validation):
//          interleaved rounds alternating which goes first, after a warm-up; medians.
//   heap — peak retained heap while iterating, in units of one parsed, validated page. Measured in
//          a child process per loop (`--heap raw|sdk`) run without optimising compilers and
//          without bytecode flushing, so that compiled code does not move the heap: two full GCs
//          every 10 pages, minus the heap after the loop has ended (what the loop itself holds).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ExportJobListSchema, ExportJobsClient } from '../dist/index.js';
import { bytes, clientOptions, median, ms, RAW_HEADERS, ratio, report, settledHeap, startServer } from './lib.ts';

const JOBS = Number(process.env.JOBS ?? 100_000);
const LIMIT = 100;
const PAGES = JOBS / LIMIT;
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TIME_GOAL = 1.2;
const HEAP_GOAL = 2;
/** Two full GCs and a heap reading every this many pages while measuring retention. */
const SAMPLE_EVERY = 10;
const HEAP_FLAGS = ['--expose-gc', '--max-opt=0', '--no-flush-bytecode'];

type Loop = (onPage: (count: number) => void, maxPages?: number) => Promise<number>;

function loops(baseUrl: string): { raw: Loop; sdk: Loop } {
  const client = new ExportJobsClient(clientOptions(baseUrl));
  return {
    /** The baseline: what a careful hand-written loop does, with no validation. */
    async raw(onPage, maxPages = Infinity) {
      let count = 0;
      let pages = 0;
      let url: string | undefined = `${baseUrl}/export/jobs?limit=${LIMIT}`;
      while (url && pages++ < maxPages) {
        const response = await fetch(url, { headers: RAW_HEADERS });
        const page = (await response.json()) as { records: unknown[]; link?: { next?: string } };
        count += page.records.length;
        onPage(count);
        url = page.link?.next && page.records.length ? `${baseUrl}${page.link.next}` : undefined;
      }
      return count;
    },
    async sdk(onPage, maxPages) {
      let count = 0;
      for await (const _job of client.listExportJobs({ limit: LIMIT }, maxPages ? { maxPages } : {})) {
        count++;
        if (count % LIMIT === 0) onPage(count);
      }
      return count;
    },
  };
}

interface HeapResult {
  onePage: number;
  peak: number;
  /** Retained growth per page over the second half of the pass (a least-squares slope), in bytes. */
  perPage: number;
}

/** In a child process: warm up 100 pages, then one measured pass. */
async function measureHeap(which: 'raw' | 'sdk'): Promise<HeapResult> {
  const server = await startServer({ JOBS: String(JOBS) });
  const loop = loops(server.baseUrl)[which];
  const body = await (await fetch(`${server.baseUrl}/export/jobs?limit=${LIMIT}`, { headers: RAW_HEADERS })).text();
  const parse = (): unknown => (which === 'sdk' ? ExportJobListSchema.parse(JSON.parse(body)) : JSON.parse(body));
  await loop(() => {}, 100);
  // Let finalizers and timers of the warm-up run before the reference point.
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    settledHeap();
  }
  const before = settledHeap();
  const held = Array.from({ length: 10 }, parse);
  const onePage = (settledHeap() - before) / held.length;
  held.length = 0;
  const samples: number[] = [];
  await loop((count) => {
    if (count % (LIMIT * SAMPLE_EVERY) === 0) samples.push(settledHeap());
  });
  const after = settledHeap();
  server.stop();
  return {
    onePage,
    peak: Math.max(...samples) - after,
    perPage: slope(samples.slice(Math.floor(samples.length / 2))) / SAMPLE_EVERY,
  };
}

/** Least-squares slope of values taken at 0, 1, 2... */
function slope(values: number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((sum, value) => sum + value, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((value, x) => {
    num += (x - meanX) * (value - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

async function heapInChild(which: 'raw' | 'sdk'): Promise<HeapResult> {
  const child = fork(fileURLToPath(import.meta.url), ['--heap', which], {
    execArgv: HEAP_FLAGS,
    env: { ...process.env, JOBS: String(JOBS) },
  });
  const [[message]] = (await Promise.all([once(child, 'message'), once(child, 'exit')])) as [[HeapResult], unknown];
  return message;
}

async function time(loop: Loop): Promise<number> {
  const started = performance.now();
  const count = await loop(() => {});
  if (count !== JOBS) throw new Error(`expected ${JOBS} jobs, got ${count}`);
  return performance.now() - started;
}

const heapAt = process.argv.indexOf('--heap');
if (heapAt !== -1) {
  process.send!(await measureHeap(process.argv[heapAt + 1] as 'raw' | 'sdk'));
} else {
  const server = await startServer({ JOBS: String(JOBS) });
  const { raw, sdk } = loops(server.baseUrl);
  await time(raw); // warm-up both paths once
  await time(sdk);
  const rawTimes: number[] = [];
  const sdkTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [raw, sdk] : [sdk, raw];
    for (const loop of order) (loop === raw ? rawTimes : sdkTimes).push(await time(loop));
  }
  server.stop();
  const rawHeap = await heapInChild('raw');
  const sdkHeap = await heapInChild('sdk');

  const timeRatio = median(sdkTimes) / median(rawTimes);
  const heapPages = sdkHeap.peak / sdkHeap.onePage;
  report({
    id: 'pagination',
    title: '3. Paginate 100,000 jobs',
    method:
      `${JOBS.toLocaleString('en')} jobs in ${PAGES} pages of ${LIMIT} from a loopback server in a child process; time: ${ROUNDS} interleaved rounds after one warm-up each. ` +
      `Heap: a child process per loop with \`${HEAP_FLAGS.join(' ')}\` (no compiled code moving the heap), two full GCs every ${SAMPLE_EVERY} pages, ` +
      'peak minus the heap once the loop has ended.',
    head: ['', 'raw fetch loop', 'listExportJobs', 'ratio'],
    rows: [
      ['time, median', ms(median(rawTimes)), ms(median(sdkTimes)), ratio(timeRatio)],
      ['time per page', ms(median(rawTimes) / PAGES), ms(median(sdkTimes) / PAGES), ''],
      ['one page retained', bytes(Math.round(rawHeap.onePage)), bytes(Math.round(sdkHeap.onePage)), ''],
      [
        'peak retained while iterating',
        `${bytes(rawHeap.peak)} (${(rawHeap.peak / rawHeap.onePage).toFixed(2)} pages)`,
        `${bytes(sdkHeap.peak)} (${heapPages.toFixed(2)} pages)`,
        '',
      ],
      ['retained growth per page (2nd half)', `${rawHeap.perPage.toFixed(0)} B`, `${sdkHeap.perPage.toFixed(0)} B`, ''],
    ],
    figures: [
      {
        name: 'paginate time / raw fetch loop',
        value: ratio(timeRatio),
        goal: `<= ${ratio(TIME_GOAL)}`,
        pass: timeRatio <= TIME_GOAL,
      },
      {
        name: 'peak retained heap while paginating',
        value: `${heapPages.toFixed(2)} pages`,
        goal: `<= ${HEAP_GOAL} pages`,
        pass: heapPages <= HEAP_GOAL,
      },
    ],
    notes: [],
  });
}
