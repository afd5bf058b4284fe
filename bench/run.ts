// Runs the benchmarks, each in a child process of its own (a fresh heap, and globals such as the
// virtual clock of bench/wait.ts never leak into another), prints each one's table and a summary,
// and, when all of them ran, rewrites the results part of docs/performance.md (between the
// `bench:results` markers; the analysis around them is kept).
//
// Usage (after `npm run build`; `npm run bench` does both):
//   node bench/run.ts                   every benchmark, then docs/performance.md
//   node bench/run.ts pagination wait   only these, printed, the document left alone
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { textTable, verdict, type BenchResult } from './lib.ts';

const BENCHMARKS = [
  { id: 'get-job', file: 'get-job.ts' },
  { id: 'parse', file: 'parse.ts' },
  { id: 'pagination', file: 'pagination.ts' },
  { id: 'wait', file: 'wait.ts' },
  { id: 'import', file: 'import.ts' },
  { id: 'size', file: 'size.ts' },
  { id: 'download', file: 'download.ts' },
  { id: 'simulator', file: 'simulator-list.ts' },
  { id: 'cli-startup', file: 'cli-startup.ts' },
  // An export of a million profiles: served, downloaded, read three ways and by DuckDB.
  { id: 'profiles', file: 'profiles.ts', limitMs: 300_000 },
];
/** No benchmark may run longer than this unless it says otherwise; the whole suite takes about 6 minutes. */
const TIME_LIMIT_MS = 120_000;
const DOC = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
const START = '<!-- bench:results:start (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((id) => !BENCHMARKS.some((bench) => bench.id === id));
if (unknown.length) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((bench) => bench.id).join(', ')}`,
  );
  process.exit(2);
}
const selected = wanted.length ? BENCHMARKS.filter((bench) => wanted.includes(bench.id)) : BENCHMARKS;

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'package.json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (dirty) commit += ' (src/ or package.json with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  return {
    cpu: model,
    cores: os.availableParallelism(),
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit,
  };
}

async function runOne(file: string, limitMs = TIME_LIMIT_MS): Promise<BenchResult> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: ['--expose-gc'],
    stdio: 'inherit',
  });
  let result: BenchResult | undefined;
  child.on('message', (message: { type?: string; result?: BenchResult }) => {
    if (message?.type === 'bench-result') result = message.result;
  });
  const timer = setTimeout(() => child.kill(), limitMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  if (!result)
    throw new Error(
      `${file} reported nothing (exit code ${code}, signal ${signal}${signal ? `; over the ${limitMs / 1000} s limit?` : ''})`,
    );
  return result;
}

const host = machine();
const loadBefore = os.loadavg();
const started = performance.now();
console.log(
  `Benchmarks on ${host.cpu}, ${host.cores} cores, ${host.memory}, Node ${host.node}; load average ${loadBefore.map((load) => load.toFixed(2)).join(' ')}`,
);
const results: BenchResult[] = [];
for (const bench of selected) {
  const benchStarted = performance.now();
  results.push(await runOne(bench.file, 'limitMs' in bench ? bench.limitMs : undefined));
  console.log(`(${bench.id}: ${((performance.now() - benchStarted) / 1000).toFixed(1)} s)`);
}
const elapsed = (performance.now() - started) / 1000;
const loadAfter = os.loadavg();

const goalFigures = results.flatMap((result) =>
  result.figures.filter((figure) => figure.goal !== undefined).map((figure) => ({ bench: result.title, ...figure })),
);
console.log(`\n## Summary (${elapsed.toFixed(0)} s)\n`);
console.log(
  textTable(
    ['benchmark', 'figure', 'value', 'goal', ''],
    goalFigures.map((figure) => [figure.bench, figure.name, figure.value, figure.goal!, verdict(figure)]),
  ),
);

if (selected.length === BENCHMARKS.length) {
  writeDoc();
  console.log(`\nwrote ${DOC}`);
} else {
  console.log(
    '\n(only some benchmarks ran: docs/performance.md left as it was; `npm run bench` runs all and writes it)',
  );
}

function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.trim().replaceAll('|', '\\|') || ' ';
  const align = head.map((_, column) =>
    column > 0 && rows.every((row) => /^[-+]?[\d.]/.test(row[column]?.trim() ?? '') || !row[column]?.trim())
      ? '---:'
      : '---',
  );
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${head.map((_, column) => cell(row[column] ?? '')).join(' | ')} |`),
  ].join('\n');
}

function writeDoc(): void {
  const day = new Date().toISOString().slice(0, 10);
  const lines: string[] = [
    START,
    '',
    `Measured ${day} with \`npm run bench\` (${elapsed.toFixed(0)} s in all).`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${host.cpu} |`,
    `| cores | ${host.cores} |`,
    `| memory | ${host.memory} |`,
    `| Node | ${host.node} |`,
    `| OS | ${host.os} |`,
    `| commit | ${host.commit} |`,
    `| load average (1, 5, 15 min) | before ${loadBefore.map((load) => load.toFixed(2)).join(', ')}; after ${loadAfter.map((load) => load.toFixed(2)).join(', ')} |`,
    '',
    '### Goals',
    '',
    markdownTable(
      ['benchmark', 'figure', 'value', 'goal', 'result'],
      goalFigures.map((figure) => [figure.bench, figure.name, figure.value, figure.goal!, `**${verdict(figure)}**`]),
    ),
  ];
  for (const result of results) {
    lines.push('', `### ${result.title}`, '', result.method, '', markdownTable(result.head, result.rows));
    const other = result.figures.filter((figure) => figure.goal === undefined);
    if (other.length)
      lines.push(
        '',
        markdownTable(
          ['figure', 'value'],
          other.map((figure) => [figure.name, figure.value]),
        ),
      );
    for (const note of result.notes) lines.push('', note);
  }
  lines.push('', END);
  const generated = lines.join('\n');
  const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  const next =
    from !== -1 && to > from
      ? `${current.slice(0, from)}${generated}${current.slice(to + END.length)}`
      : `# Performance\n\nHow fast the SDK is against hand-written baselines. Run \`npm run bench\` (it builds first); \`npm run bench:<name>\` runs one benchmark without touching this page.\n\n## Results\n\n${generated}\n`;
  writeFileSync(DOC, next);
}
