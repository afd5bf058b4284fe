// `aep-export-jobs profiles`: the exported Parquet files read back as NDJSON or CSV.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-codes.js';
import { runCli } from '../src/cli/program.js';
import { useCliSimulator } from './helpers/cli.js';

const { simulator, cli } = useCliSimulator();
const FAST = ['--min-delay', '1ms', '--max-delay', '5ms'];
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aep-cli-profiles-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Exports one segment into `dir` and answers how many profiles the job says it exported. */
async function exported(): Promise<number> {
  const { code, stderr } = await cli(['export', '--segment', 'seg-1', '--dataset', 'ds-1', '--out', dir, ...FAST]);
  expect(code, stderr).toBe(ExitCode.Success);
  const [job] = simulator.jobs('dev');
  return job!.metrics!.totalExportedProfileCounter!;
}

describe('profiles', () => {
  it('prints one JSON object per exported profile, as many as the job exported', async () => {
    const profiles = await exported();
    const { code, stdout } = await cli(['profiles', dir]);
    expect(code).toBe(ExitCode.Success);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(profiles);
    expect(JSON.parse(lines[0]!)).toMatchObject({ _id: expect.any(String) });
  });

  it('writes the chosen fields as CSV with a header row into --out, and says how many on stderr', async () => {
    const profiles = await exported();
    const out = join(dir, 'audience.csv');
    const { code, stdout, stderr } = await cli([
      'profiles',
      dir,
      '--format',
      'csv',
      '--fields',
      '_id,personalEmail.address',
      '--out',
      out,
    ]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${profiles} profiles written to ${out}\n`);
    const rows = (await readFile(out, 'utf8')).trimEnd().split('\r\n');
    expect(rows[0]).toBe('_id,personalEmail.address');
    expect(rows).toHaveLength(profiles + 1);
  });

  it("writes CSV columns from the files' schema, so a struct null in the first row keeps its columns", async () => {
    const args = ['export', '--segment', 'seg-1', '--dataset', 'ds-1', '--fields', '_id,loyalty.tier'];
    expect((await cli([...args, '--out', dir, ...FAST])).code).toBe(ExitCode.Success);
    const { code, stdout } = await cli(['profiles', dir, '--format', 'csv']);
    expect(code).toBe(ExitCode.Success);
    expect(stdout.split('\r\n')[0]).toBe('_id,loyalty.tier');
  });

  it('refuses an unknown format as a usage error, before reading anything', async () => {
    const { code, stderr } = await cli(['profiles', dir, '--format', 'xml']);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(/--format must be ndjson or csv/);
  });

  it('fails naming the folder when it holds no Parquet files', async () => {
    const { code, stderr } = await cli(['profiles', dir]);
    expect(code).toBe(ExitCode.ApiError);
    expect(stderr).toContain(dir);
  });

  it('leaves --out as it was, and no .partial file, when a file cannot be read', async () => {
    await exported();
    const files = await parquetFiles();
    const corrupt = join(dir, 'corrupt.parquet');
    await writeFile(corrupt, 'PAR1 this is no Parquet file PAR1');
    const out = join(dir, 'audience.ndjson');
    await writeFile(out, 'the previous export\n');
    const { code, stderr } = await cli(['profiles', ...files, corrupt, '--out', out]);
    expect(code).toBe(ExitCode.ApiError);
    expect(stderr).toContain(corrupt);
    expect(await readFile(out, 'utf8')).toBe('the previous export\n');
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('waits for a slow stdout to drain before writing more, so that memory stays bounded', async () => {
    await exported();
    // The same files ten times over: far more text than a pipe buffers.
    const files = await parquetFiles();
    const paths = Array.from({ length: 10 }, () => files).flat();
    const expected = (await cli(['profiles', ...paths])).stdout;
    const stdout = new SlowStdout(16_384);
    let finished = false;
    const running = runCli(['profiles', ...paths], {
      stdout,
      stderr: { write: () => true },
      env: {},
      // As the real CLI passes it: stdout then goes through the guard that quiets a closed pipe.
      outputClosed: new AbortController().signal,
    }).finally(() => (finished = true));
    await sleep(300);
    // Nobody read: the command wrote until the buffer was full, then waited.
    expect(finished).toBe(false);
    expect(stdout.text.length).toBeLessThan(expected.length / 4);
    while (!finished) {
      stdout.read();
      await sleep(1);
    }
    expect(await running).toBe(ExitCode.Success);
    expect(stdout.text).toBe(expected);
    expect(stdout.peak).toBeLessThan(expected.length / 4);
  });

  it('on a terminal, counts the profiles read on stderr and ends with how many were written', async () => {
    const profiles = await exported();
    const terminal = await cli(['profiles', dir], { tty: true });
    expect(terminal.code).toBe(ExitCode.Success);
    expect(stripVTControlCharacters(terminal.stderr)).toMatch(/\d+ profiles read/);
    expect(terminal.stderr.endsWith(`${profiles} profiles written to stdout\n`)).toBe(true);
    // In a pipe, or with the rows on the same terminal, nothing is said.
    expect((await cli(['profiles', dir])).stderr).toBe('');
    expect((await cli(['profiles', dir], { tty: true, columns: 80 })).stderr).toBe('');
  });
});

/** The Parquet files `exported()` wrote. */
async function parquetFiles(): Promise<string[]> {
  return (await readdir(dir))
    .filter((name) => name.endsWith('.parquet'))
    .sort()
    .map((name) => join(dir, name));
}

/** A stdout whose reader takes what was written only when told to, as a slow pipe does. */
class SlowStdout extends EventEmitter {
  text = '';
  /** Characters written and not yet read; the most there ever were. */
  buffered = 0;
  peak = 0;

  readonly highWaterMark: number;

  constructor(highWaterMark: number) {
    super();
    this.highWaterMark = highWaterMark;
  }

  write(chunk: string): boolean {
    this.text += chunk;
    this.buffered += chunk.length;
    this.peak = Math.max(this.peak, this.buffered);
    return this.buffered < this.highWaterMark;
  }

  read(): void {
    const full = this.buffered >= this.highWaterMark;
    this.buffered = 0;
    if (full) this.emit('drain');
  }
}
