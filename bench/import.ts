// Benchmark 5: cold import of the built package in a fresh `node` process, vs a bare `node -e ""`.
// Every variant is a new process (no compile cache), run in turn with the others, RUNS times;
// the figure is the difference of the medians of wall-clock time. The imports of zod, ky and
// p-retry alone show what the dependencies cost.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, ms, report } from './lib.ts';

const RUNS = Number(process.env.RUNS ?? 21);
const GOAL_MS = 40;
const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
delete env.NODE_COMPILE_CACHE;
delete env.NODE_OPTIONS;

const importOf = (specifier: string) => ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`];
const variants: Array<{ name: string; args: string[] }> = [
  { name: 'node -e ""', args: ['-e', ''] },
  { name: "import('aep-export-jobs')", args: importOf('aep-export-jobs') },
  { name: "import('aep-export-jobs/testing')", args: importOf('aep-export-jobs/testing') },
  { name: "  import('zod') alone", args: importOf('zod') },
  { name: "  import('ky') alone", args: importOf('ky') },
  { name: "  import('p-retry') alone", args: importOf('p-retry') },
  { name: "  node --input-type=module -e ''", args: ['--input-type=module', '-e', ''] },
];

function spawnOnce(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString()}`);
  return elapsed;
}

for (const variant of variants) spawnOnce(variant.args); // warm the file system cache
const samples: number[][] = variants.map(() => []);
for (let run = 0; run < RUNS; run++) {
  for (let k = 0; k < variants.length; k++) {
    const index = (run + k) % variants.length;
    samples[index]!.push(spawnOnce(variants[index]!.args));
  }
}

const base = median(samples[0]!);
const added = (index: number) => median(samples[index]!) - base;
report({
  id: 'import',
  title: '5. Cold import',
  method: `Each variant a fresh \`node\` process (Node ${process.versions.node}, no compile cache) run from the package root, so \`aep-export-jobs\` resolves to the built dist/ through the package's own \`exports\`; ${RUNS} interleaved runs each; medians of wall-clock time.`,
  head: ['command', 'median', 'min', 'added vs node -e ""'],
  rows: variants.map((variant, index) => [
    variant.name,
    ms(median(samples[index]!)),
    ms(Math.min(...samples[index]!)),
    index === 0 ? '' : `${added(index) >= 0 ? '+' : ''}${added(index).toFixed(1)} ms`,
  ]),
  figures: [
    {
      name: "import('aep-export-jobs'), added",
      value: `+${added(1).toFixed(1)} ms`,
      goal: `<= +${GOAL_MS} ms`,
      pass: added(1) <= GOAL_MS,
    },
    {
      name: "import('aep-export-jobs/testing'), added",
      value: `+${added(2).toFixed(1)} ms`,
      goal: `<= +${GOAL_MS} ms`,
      pass: added(2) <= GOAL_MS,
    },
  ],
  notes: [],
});
