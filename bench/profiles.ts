// Benchmark: read an export of PROFILES profiles (default 200 000; the 1 000 000 of the issue takes
// minutes to generate on a loaded 2-core machine: PROFILES=1000000) with nested `identities` and
// `personalEmail` columns, as JS objects, with readExportedProfiles, against @duckdb/node-api
// materialising the same rows as objects (getRowObjectsJS), in the same run; then NDJSON throughput.
//   time   — wall time of one full read, in a fresh child process per measure, median of ROUNDS.
//   memory — peak RSS growth of that child during the read (sampled every 5 ms). Goal: < 200 MB.
//
// The files are the simulator's own (src/testing/parquet.ts), written once to a temporary folder,
// 200 000 rows a file in row groups of 20 000. readExportedProfiles is not in dist until src/index.ts
// exports it, so the source is loaded through examples/register.mjs.
// CHILD_FLAGS: extra node flags for the SDK's measuring children (`--max-old-space-size=128`: the
// live set of one row group fits; without it V8 lets garbage grow the heap to several hundred MB).
// The same file is a measuring child (`--measure sdk|duckdb|ndjson <dir>`).
import { execFileSync } from 'node:child_process';
import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ratio, report } from './lib.ts';

const PROFILES = Number(process.env.PROFILES ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROWS_PER_FILE = 200_000;
const RSS_GOAL = 200 * 1024 * 1024;
const SELF = fileURLToPath(import.meta.url);
const REGISTER = fileURLToPath(new URL('../examples/register.mjs', import.meta.url));

interface Measure {
  ms: number;
  rows: number;
  rss: number;
  bytes?: number;
}

/** Runs `fn`, sampling RSS, in this (fresh) process. */
async function measured(fn: () => Promise<{ rows: number; bytes?: number }>): Promise<Measure> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const started = performance.now();
  const { rows, bytes } = await fn();
  const ms = performance.now() - started;
  clearInterval(timer);
  return { ms, rows, rss: Math.max(peak, process.memoryUsage.rss()) - base, ...(bytes === undefined ? {} : { bytes }) };
}

async function child(kind: string, dir: string): Promise<Measure> {
  if (kind === 'duckdb') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const connection = await (await DuckDBInstance.create()).connect();
    return measured(async () => {
      const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${dir}/*.parquet')`);
      return { rows: reader.getRowObjectsJS().length };
    });
  }
  const { readExportedProfiles, toNdjsonLines } = await import('../src/profiles/index.ts');
  if (kind === 'sdk') {
    return measured(async () => {
      let rows = 0;
      for await (const row of readExportedProfiles(dir)) if (row) rows += 1;
      return { rows };
    });
  }
  return measured(async () => {
    let rows = 0;
    let bytes = 0;
    for await (const line of toNdjsonLines(readExportedProfiles(dir))) {
      rows += 1;
      bytes += Buffer.byteLength(line);
    }
    return { rows, bytes };
  });
}

async function writeExport(dir: string): Promise<number> {
  const { parquetContent } = await import('../src/testing/parquet.ts');
  const { parseFields, profileSeed, projectModel } = await import('../src/testing/profile-data.ts');
  const model = projectModel(parseFields(undefined));
  let total = 0;
  for (let first = 0, index = 0; first < PROFILES; first += ROWS_PER_FILE, index += 1) {
    const rows = Math.min(ROWS_PER_FILE, PROFILES - first);
    const key = `bench\n${first}\n${rows}`;
    const content = parquetContent({
      key,
      seed: profileSeed('bench'),
      model,
      firstRow: first,
      rows,
      rowsPerRowGroup: 20_000,
    });
    const handle = await open(join(dir, `part-${String(index).padStart(5, '0')}-bench-c000.snappy.parquet`), 'w');
    for (let at = 0; at < content.size; at += 4 * 1024 * 1024) {
      const chunk = new Uint8Array(Math.min(4 * 1024 * 1024, content.size - at));
      content.read(at, chunk);
      await handle.write(chunk);
    }
    await handle.close();
    total += content.size;
  }
  return total;
}

function runChild(kind: string, dir: string): Measure {
  // The baseline holds every row by design: a heap cap is for the streaming readers only.
  const flags = kind === 'duckdb' ? [] : (process.env.CHILD_FLAGS ?? '').split(' ').filter(Boolean);
  const out = execFileSync(process.execPath, [...flags, '--import', REGISTER, SELF, '--measure', kind, dir], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measure;
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

if (process.argv[2] === '--measure') {
  // Loaded without the hook by bench/run.ts's fork; the measuring children get it on their command line.
  console.log(JSON.stringify(await child(process.argv[3]!, process.argv[4]!)));
} else {
  await import(new URL('../examples/register.mjs', import.meta.url).href);
  const dir = await mkdtemp(join(tmpdir(), 'aep-bench-profiles-'));
  try {
    const started = performance.now();
    const size = await writeExport(dir);
    const generated = performance.now() - started;
    const runs = { sdk: [] as Measure[], duckdb: [] as Measure[], ndjson: [] as Measure[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternating which goes first, so that a slow moment of the machine is shared.
      for (const kind of round % 2 ? (['duckdb', 'sdk'] as const) : (['sdk', 'duckdb'] as const))
        runs[kind].push(runChild(kind, dir));
    }
    runs.ndjson.push(runChild('ndjson', dir));
    for (const [kind, list] of Object.entries(runs)) {
      for (const run of list)
        if (run.rows !== PROFILES) throw new Error(`${kind} read ${run.rows} rows, not ${PROFILES}`);
    }
    const time = (list: Measure[]) => median(list.map((run) => run.ms));
    const rss = (list: Measure[]) => Math.max(...list.map((run) => run.rss));
    const [sdk, duck] = [time(runs.sdk), time(runs.duckdb)];
    const ndjson = runs.ndjson[0]!;
    const ndjsonMBs = ndjson.bytes! / 1024 ** 2 / (ndjson.ms / 1000);
    report({
      id: 'profiles',
      title: `Reading ${PROFILES.toLocaleString('en')} exported profiles as objects`,
      method:
        `${PROFILES} profiles (default fields: nested identities and personalEmail) in ` +
        `${Math.ceil(PROFILES / ROWS_PER_FILE)} snappy Parquet files (${mb(size)}, generated in ` +
        `${(generated / 1000).toFixed(1)} s); each read in a fresh child process, median of ${ROUNDS}, ` +
        'peak RSS growth the worst run.',
      head: ['reader', 'time', 'rows/s', 'peak RSS growth'],
      rows: [
        [
          'readExportedProfiles',
          `${(sdk / 1000).toFixed(2)} s`,
          Math.round(PROFILES / (sdk / 1000)).toLocaleString('en'),
          mb(rss(runs.sdk)),
        ],
        [
          '@duckdb/node-api getRowObjectsJS',
          `${(duck / 1000).toFixed(2)} s`,
          Math.round(PROFILES / (duck / 1000)).toLocaleString('en'),
          mb(rss(runs.duckdb)),
        ],
        [
          'readExportedProfiles + toNdjsonLines',
          `${(ndjson.ms / 1000).toFixed(2)} s`,
          `${ndjsonMBs.toFixed(1)} MB/s of NDJSON`,
          mb(ndjson.rss),
        ],
      ],
      figures: [
        { name: 'read throughput vs duckdb', value: ratio(duck / sdk), goal: '>= 1.00x', pass: duck / sdk >= 1 },
        { name: 'read peak RSS growth', value: mb(rss(runs.sdk)), goal: '< 200 MB', pass: rss(runs.sdk) < RSS_GOAL },
        { name: 'NDJSON throughput', value: `${ndjsonMBs.toFixed(1)} MB/s` },
        { name: 'NDJSON peak RSS growth', value: mb(ndjson.rss), goal: '< 200 MB', pass: ndjson.rss < RSS_GOAL },
      ],
      notes: [
        `PROFILES=${PROFILES}: set PROFILES=1000000 for the issue's size (generation alone then takes minutes here).`,
      ],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
