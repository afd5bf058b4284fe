// `aep-export-jobs profiles`: the exported Parquet files read back as NDJSON or CSV.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-codes.js';
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
});
