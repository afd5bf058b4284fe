// Shared helpers of the benchmarks: the loopback server, the SDK client and the raw baseline's
// headers, statistics, and how a benchmark reports (a table on stdout, and its result sent to
// bench/run.ts when it runs as that runner's child).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** One figure a benchmark measured; `goal` and `pass` when the figure has a goal. */
export interface Figure {
  name: string;
  value: string;
  goal?: string;
  pass?: boolean;
}

/** What a benchmark reports: a table of its measurements, its figures, and notes. */
export interface BenchResult {
  id: string;
  title: string;
  /** How it was measured, one or two sentences. */
  method: string;
  head: string[];
  rows: string[][];
  figures: Figure[];
  notes: string[];
}

/** The AEP headers the SDK sends (its x-request-id varies per request), for the raw baselines. */
export const RAW_HEADERS: Record<string, string> = {
  accept: 'application/json',
  authorization: 'Bearer bench-token',
  'x-api-key': 'bench',
  'x-gw-ims-org-id': 'org@AdobeOrg',
  'x-sandbox-name': 'prod',
  'x-request-id': '7f1c0c4e-7a5e-4f63-9d3a-2b9d1b1f9a11',
  'user-agent': `aep-export-jobs/bench node/${process.versions.node}`,
};

export function clientOptions(baseUrl: string) {
  return { accessToken: 'bench-token', apiKey: 'bench', orgId: 'org@AdobeOrg', sandboxName: 'prod', baseUrl };
}

/** Starts bench/server.mjs in a child process; resolves with its base URL and a stop function. */
export async function startServer(env: Record<string, string> = {}): Promise<{ baseUrl: string; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: [],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { baseUrl: `http://127.0.0.1:${chunk.toString().trim()}/data/core/ups`, stop: () => child.disconnect() };
}

export const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc (npm run bench does)');
  collect();
};

/** Heap in use after two full collections. */
export function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile (0..1). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export const mean = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

/** A duration in ms with a sensible unit. */
export function ms(value: number): string {
  if (value < 0.01) return `${(value * 1000).toFixed(2)} µs`;
  if (value < 1) return `${(value * 1000).toFixed(0)} µs`;
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${value.toFixed(1)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

export const ratio = (value: number): string => `${value.toFixed(2)}x`;

export function bytes(value: number): string {
  if (Math.abs(value) < 1024) return `${value} B`;
  if (Math.abs(value) < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(2)} MiB`;
}

/** A plain-text table, columns padded; numbers (anything starting with a digit or sign) right-aligned. */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = (cell: string) => /^[-+]?[\d.]/.test(cell);
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        numeric(cell) && column > 0 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [
    line(head),
    widths
      .map((width) => '-'.repeat(width))
      .join('  ')
      .trimEnd(),
    ...rows.map(line),
  ].join('\n');
}

export function verdict(figure: Figure): string {
  return figure.pass === undefined ? '' : figure.pass ? 'PASS' : 'MISS';
}

/** Prints the result, and hands it to bench/run.ts when this benchmark is its child. */
export function report(result: BenchResult): void {
  console.log(`\n## ${result.title}\n`);
  console.log(textTable(result.head, result.rows));
  if (result.figures.length) {
    console.log('');
    const goals = result.figures.some((figure) => figure.goal !== undefined);
    const head = goals ? ['figure', 'value', 'goal', ''] : ['figure', 'value'];
    console.log(
      textTable(
        head,
        result.figures.map((figure) =>
          goals ? [figure.name, figure.value, figure.goal ?? '', verdict(figure)] : [figure.name, figure.value],
        ),
      ),
    );
  }
  for (const note of result.notes) console.log(`- ${note}`);
  process.send?.({ type: 'bench-result', result });
}

/** Runs `fn` `times` times and returns the elapsed ms. */
export async function timeIt(times: number, fn: () => unknown): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < times; i++) await fn();
  return performance.now() - started;
}
