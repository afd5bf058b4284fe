// Benchmark 2: parse and validate one 1,000-job list page, `ExportJobListSchema.parse(JSON.parse(text))`,
// vs `JSON.parse(text)` alone. In-process, no I/O: both run on the same text, interleaved in
// rounds (alternating which goes first); the figure is the ratio of the per-round medians.
import { ExportJobListSchema, ExportJobSchema } from '../dist/index.js';
import { job, listPage } from './fixtures.mjs';
import { median, ms, ratio, report } from './lib.ts';

const JOBS = 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 40);
const PER_ROUND = 5;
const GOAL = 1.5;

const text = listPage(JOBS, JOBS);
const oneJob = job(4242);
const check = ExportJobListSchema.parse(JSON.parse(text));
if (check.records.length !== JOBS) throw new Error('short page');

const variants: Array<{ name: string; run: () => unknown }> = [
  { name: 'JSON.parse', run: () => JSON.parse(text) as unknown },
  { name: 'ExportJobListSchema.parse(JSON.parse)', run: () => ExportJobListSchema.parse(JSON.parse(text)) },
  // Zod alone on already-parsed input, and per job, to show where the time goes.
  {
    name: '  of which ExportJobListSchema.parse only',
    run: (
      (parsed) => () =>
        ExportJobListSchema.parse(parsed)
    )(JSON.parse(text)),
  },
];

let sink: unknown;
for (let i = 0; i < 20; i++) for (const variant of variants) sink = variant.run();
const samples: number[][] = variants.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < variants.length; k++) {
    const index = (round + k) % variants.length;
    const started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) sink = variants[index]!.run();
    samples[index]!.push((performance.now() - started) / PER_ROUND);
  }
}
// Per job: ExportJobSchema on one job object, many times (median of rounds).
const perJob: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  for (let i = 0; i < 1000; i++) sink = ExportJobSchema.parse(oneJob);
  perJob.push((performance.now() - started) / 1000);
}
void sink;

const base = median(samples[0]!);
const value = median(samples[1]!) / base;
report({
  id: 'parse',
  title: '2. Parse and validate a 1,000-job page',
  method: `A ${(text.length / 1024).toFixed(0)} KiB page of ${JOBS} jobs; ${ROUNDS} interleaved rounds of ${PER_ROUND} parses per variant after warm-up; medians of the per-round means.`,
  head: ['variant', 'median per page', 'vs JSON.parse'],
  rows: [
    ...variants.map((variant, index) => [
      variant.name,
      ms(median(samples[index]!)),
      ratio(median(samples[index]!) / base),
    ]),
    ['  ExportJobSchema.parse, one job', ms(median(perJob)), ''],
  ],
  figures: [
    {
      name: 'ExportJobListSchema.parse(JSON.parse) / JSON.parse',
      value: ratio(value),
      goal: `<= ${ratio(GOAL)}`,
      pass: value <= GOAL,
    },
  ],
  notes: [],
});
