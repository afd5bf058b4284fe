// Benchmark 8: the simulator's list page time as its sandbox grows. One page (limit 1 and 100; the
// first page, and a deep one reached by the cursor of the middle job) from a sandbox of 1,000 and
// of 100,000 jobs, answered by `simulator.fetch` in-process, so that the figure is the simulator's
// own work (finding the page, rendering it, the JSON) and no network. The goal: a page at 100,000
// jobs costs no more than twice one at 1,000, as a server with an index would; before the index,
// every page sorted and rendered the whole sandbox (0.9 s for `limit=1` at 100,000 jobs).
import { ExportJobsSimulator } from '../dist/testing/index.js';
import { median, ms, ratio, report, settledHeap, bytes } from './lib.ts';

const SIZES = [1_000, 100_000] as const;
const ROUNDS = Number(process.env.ROUNDS ?? 11);
/** Pages fetched per round: fewer of the big ones, so that each round takes about as long. */
const callsFor = (limit: number) => (limit === 1 ? 100 : 10);
const GOAL = 2;
const ORG = 'BENCH000000000000000000A@AdobeOrg';
const HEADERS = {
  authorization: 'Bearer bench',
  'x-api-key': 'bench',
  'x-gw-ims-org-id': ORG,
  'x-sandbox-name': 'bench',
};
const JOBS_URL = 'https://platform.adobe.io/data/core/ups/export/jobs';
const REQUEST = {
  destination: { datasetId: 'dataset-1' },
  schema: { name: '_xdm.context.profile' },
  filter: { segments: [{ segmentId: 'segment-1' }] },
};

interface Sandbox {
  size: number;
  simulator: ExportJobsSimulator;
  /** The cursor of the middle job of the listing: where a deep page starts. */
  middle: string;
  setupMs: number;
  heapPerJob: number;
}

function fill(size: number): Sandbox {
  const heapBefore = settledHeap();
  const started = performance.now();
  const simulator = new ExportJobsSimulator({ clock: 'manual', requestLogLimit: 10 });
  // Each job older than the one before, as a loop of backdated `addJob` calls makes them: the
  // worst order for a sorted array, every insertion at its front.
  const start = simulator.now() - 60_000;
  for (let index = 0; index < size; index += 1)
    simulator.addJob(REQUEST, { sandboxName: 'bench', orgId: ORG, createdAt: start - index });
  const setupMs = performance.now() - started;
  const heapPerJob = (settledHeap() - heapBefore) / size;
  const middle = simulator.job(1000 + Math.floor(size / 2))!;
  return { size, simulator, middle: `${middle.creationTime}_${middle.id}`, setupMs, heapPerJob };
}

async function page(sandbox: Sandbox, query: string): Promise<void> {
  const response = await sandbox.simulator.fetch(`${JOBS_URL}?${query}`, { headers: HEADERS });
  if (response.status !== 200) throw new Error(`${query}: HTTP ${response.status}`);
  await response.arrayBuffer();
}

const sandboxes = SIZES.map(fill);
const cases = [
  { name: 'limit=1, first page', limit: 1, query: () => 'limit=1' },
  { name: 'limit=1, deep page (cursor)', limit: 1, query: (sandbox: Sandbox) => `limit=1&offset=${sandbox.middle}` },
  { name: 'limit=100, first page', limit: 100, query: () => 'limit=100' },
  {
    name: 'limit=100, deep page (cursor)',
    limit: 100,
    query: (sandbox: Sandbox) => `limit=100&offset=${sandbox.middle}`,
  },
  {
    name: 'limit=100, status=SUCCEEDED, deep page',
    limit: 100,
    query: (sandbox: Sandbox) => `limit=100&status=SUCCEEDED&offset=${sandbox.middle}`,
  },
];

const rows: string[][] = [];
const figures = [];
for (const [index, item] of cases.entries()) {
  const calls = callsFor(item.limit);
  const perRound = new Map<Sandbox, number[]>(sandboxes.map((sandbox) => [sandbox, []]));
  for (const sandbox of sandboxes) for (let call = 0; call < calls; call += 1) await page(sandbox, item.query(sandbox)); // warm-up
  for (let round = 0; round < ROUNDS; round += 1) {
    // Rotating order, so that neither size always runs first in a round.
    const order = round % 2 === 0 ? sandboxes : [...sandboxes].reverse();
    for (const sandbox of order) {
      const query = item.query(sandbox);
      const started = performance.now();
      for (let call = 0; call < calls; call += 1) await page(sandbox, query);
      perRound.get(sandbox)!.push((performance.now() - started) / calls);
    }
  }
  const [small, large] = sandboxes.map((sandbox) => median(perRound.get(sandbox)!)) as [number, number];
  const scale = large / small;
  rows.push([item.name, ms(small), ms(large), ratio(scale)]);
  // The status-filtered page is shown for information; the goal is about the plain listing.
  if (index < 4)
    figures.push({
      name: `${item.name}: 100,000 jobs / 1,000 jobs`,
      value: ratio(scale),
      goal: `<= ${ratio(GOAL)}`,
      pass: scale <= GOAL,
    });
}

const large = sandboxes.at(-1)!;
report({
  id: 'simulator-list',
  title: '8. Simulator list page time, 1,000 vs 100,000 jobs',
  method:
    'One sandbox of 1,000 and one of 100,000 jobs (added by `addJob`, each older than the last); each page fetched ' +
    `${callsFor(1)} (limit=1) or ${callsFor(100)} (limit=100) times per round through \`simulator.fetch\` (in-process, body read), ` +
    `${ROUNDS} rounds alternating the two sandboxes after a warm-up; ` +
    'medians of the per-round means. A deep page starts at the cursor of the middle job.',
  head: ['page', '1,000 jobs', '100,000 jobs', 'ratio'],
  rows,
  figures: [
    ...figures,
    { name: 'adding 100,000 jobs with addJob', value: ms(large.setupMs) },
    { name: 'heap per job kept (100,000 jobs)', value: bytes(Math.round(large.heapPerJob)) },
  ],
  notes: [],
});
