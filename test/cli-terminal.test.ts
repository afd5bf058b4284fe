// The CLI as a user runs it: built, in a real pseudo-terminal (util-linux `script`), against the
// simulator on loopback. Ctrl-C is typed (\x03 through the terminal), not sent with kill.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExportJobsClient } from '../src/index.js';
import { ExportJobsSimulator, startSimulatorServer, type SimulatorServer } from '../src/testing/index.js';
import { buildCli, spawnInPty, spawnPiped, type Spawned } from './cli/harness.js';

const slow = new ExportJobsSimulator({ durations: { new: 60_000, processing: 60_000 } });
const fast = new ExportJobsSimulator({ durations: { new: 200, processing: 1_200 } });
let slowServer: SimulatorServer;
let fastServer: SimulatorServer;
let cli: string;
const spawned: Spawned[] = [];
const folders: string[] = [];

beforeAll(async () => {
  [slowServer, fastServer, cli] = await Promise.all([
    startSimulatorServer(slow),
    startSimulatorServer(fast),
    buildCli(),
  ]);
}, 60_000);
afterEach(() => {
  for (const { child } of spawned.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  for (const folder of [...folders, ...(cli ? [dirname(cli)] : [])]) rmSync(folder, { recursive: true, force: true });
  await Promise.all([slowServer?.close(), fastServer?.close()]);
});

const settings = (server: SimulatorServer) => ({
  AEP_ACCESS_TOKEN: 'pty-token',
  AEP_API_KEY: 'pty-key',
  AEP_ORG_ID: 'PTY@AdobeOrg',
  AEP_SANDBOX_NAME: 'dev',
  AEP_BASE_URL: server.baseUrl,
  NO_COLOR: '',
});
const clientOf = (server: SimulatorServer) =>
  new ExportJobsClient({
    accessToken: 'pty-token',
    apiKey: 'pty-key',
    orgId: 'PTY@AdobeOrg',
    sandboxName: 'dev',
    baseUrl: server.baseUrl,
  });
const request = (segments: string[], segmentPerBatch = false) => ({
  destination: { datasetId: 'pty-dataset', segmentPerBatch },
  schema: { name: '_xdm.context.profile' },
  filter: { segments: segments.map((segmentId) => ({ segmentId })) },
});
const pty = (args: string[], server: SimulatorServer, columns = 80) => {
  const run = spawnInPty(cli, args, settings(server), columns);
  spawned.push(run);
  return run;
};
/** What a terminal shows: escape sequences gone, each redraw (\r) starting a line of its own. */
const screenLines = (output: string) => stripVTControlCharacters(output).split(/\r\n|\r|\n/);
/** `export` of segment `seg` into pty-dataset with `flags`, polling every 200 to 400 ms. */
const exportSeg = (...flags: string[]) => [
  ...['export', '--segment', 'seg', '--dataset', 'pty-dataset', ...flags],
  ...['--min-delay', '200ms', '--max-delay', '400ms'],
];
/** The CLI with `args`, its stdout into a reader that closes after one byte; the shell prints the CLI's exit code. */
const intoClosingReader = (args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)(
    'bash',
    ['-c', `"$@" | head -c 1 > /dev/null; echo "exit=\${PIPESTATUS[0]}"`, 'bash', process.execPath, cli, ...args],
    { env },
  );

describe('the CLI in a terminal', () => {
  it('Ctrl-C during wait runs the CLI\'s own handler: cancels the job, says "Interrupted", exits 130', async () => {
    const job = await clientOf(slowServer).createExportJob(request(['seg']));
    const run = pty(
      ['wait', String(job.id), '--cancel-on-interrupt', '--min-delay', '200ms', '--max-delay', '200ms'],
      slowServer,
    );
    await run.waitFor(/poll/);
    run.child.stdin!.write('\x03');
    expect(await run.exit).toBe(130);
    expect(run.output()).toContain(`Cancel requested for job ${job.id}`);
    expect(run.output()).toContain('Interrupted');
    expect(slow.requests.some((sent) => sent.method === 'DELETE' && sent.path === `/export/jobs/${job.id}`)).toBe(true);
  });

  it('Ctrl-C during export prints the command that resumes it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-pty-'));
    folders.push(out);
    const run = pty(
      ['export', '--segment', 'seg', '--dataset', 'pty-dataset', '--out', out, '--min-delay', '200ms'],
      slowServer,
    );
    const shown = await run.waitFor(/Created export job (\d+)/);
    const id = /Created export job (\d+)/.exec(shown)![1];
    run.child.stdin!.write('\x03');
    expect(await run.exit).toBe(130);
    expect(run.output()).toContain(`To resume: aep-export-jobs export --job ${id} --out ${out}`);
    expect(run.output()).toContain('Interrupted');
  });

  it('Ctrl-C during export --format ndjson leaves no output and prints a resume command with the format', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-pty-'));
    folders.push(out);
    const ndjson = join(out, 'profiles.ndjson');
    const run = pty(exportSeg('--format', 'ndjson', '--out', ndjson), slowServer);
    const shown = await run.waitFor(/Created export job (\d+)/);
    const id = /Created export job (\d+)/.exec(shown)![1];
    run.child.stdin!.write('\x03');
    expect(await run.exit).toBe(130);
    expect(stripVTControlCharacters(run.output())).toContain(
      `To resume: aep-export-jobs export --job ${id} --out ${ndjson} --format ndjson`,
    );
    expect(readdirSync(out).filter((name) => name.startsWith('profiles.ndjson') && !name.endsWith('.parquet'))).toEqual(
      [],
    );
  });

  it("the wait clock ticks between polls, shows the next poll, and ends with the job's own duration", async () => {
    const job = await clientOf(fastServer).createExportJob(request(['seg']));
    const run = pty(['wait', String(job.id), '--min-delay', '1s', '--max-delay', '1s'], fastServer);
    expect(await run.exit).toBe(0);
    const lines = screenLines(run.output());
    expect(lines.some((line) => /next poll in 1s/.test(line))).toBe(true);
    // Two redraws within the same poll show different elapsed times: the clock does not freeze.
    const firstPoll = lines.filter((line) => / · 1 poll$/.test(line)).map((line) => /· (\d+ms|\d+s) ·/.exec(line)?.[1]);
    expect(new Set(firstPoll).size).toBeGreaterThan(1);
    expect(
      lines.some((line) =>
        new RegExp(`^job ${job.id}: SUCCEEDED · the job ran \\d+s · watched \\d+s, \\d+ polls$`).test(line),
      ),
    ).toBe(true);
  });

  it('fits list to an 80-column terminal: no line wider, no borders, one line per job', async () => {
    const client = clientOf(fastServer);
    const segments = Array.from({ length: 12 }, (_, index) => `segment-${index}-52c26d0d-45f2-47a2-ab30-ed06abc981ff`);
    await client.createExportJob(request(segments, true));
    await client.createExportJob(request(['short']));
    const run = pty(['list', '--limit', '2'], fastServer, 80);
    expect(await run.exit).toBe(0);
    // The note that more jobs exist goes to stderr, which is the same terminal here.
    const lines = screenLines(run.output()).filter((line) => line && !line.startsWith('more jobs'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+CREATED/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(run.output()).not.toMatch(/[│─┌└]/);
    expect(lines[2]).toContain('…');
  });

  it('shows a download bar with bytes, rate, ETA and files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-pty-'));
    folders.push(out);
    const run = pty(exportSeg('--out', out), fastServer, 120);
    expect(await run.exit).toBe(0);
    const screen = stripVTControlCharacters(run.output());
    expect(screen).toMatch(/ 0% · [\d.]+ k?B \/ [\d.]+ kB · [\d.]+ [kMG]?B\/s · ETA \S+ · 0\/2 files · batch \S+/);
    expect(screen).toMatch(/100% · ([\d.]+ kB) \/ \1 · [\d.]+ [kMG]?B\/s · done in \S+ · 2\/2 files · batch \S+/);
    expect(screen).toMatch(/Export job \d+ SUCCEEDED: 2 file\(s\)/);
  });

  it('converts an export to NDJSON under the download bar, then counts the profiles read again by profiles', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-pty-'));
    folders.push(out);
    const ndjson = join(out, 'profiles.ndjson');
    const exporting = pty(exportSeg('--format', 'ndjson', '--out', ndjson, '--keep-parquet'), fastServer, 120);
    expect(await exporting.exit).toBe(0);
    const screen = stripVTControlCharacters(exporting.output());
    expect(screen).toMatch(/100% · .* · 2\/2 files · batch \S+/);
    const written = /(\d+) profiles written to (.+)/.exec(screen);
    expect(written?.[2]?.trim()).toBe(ndjson);
    const count = Number(written![1]);
    expect(count).toBeGreaterThan(0);
    expect(readFileSync(ndjson, 'utf8').trimEnd().split('\n')).toHaveLength(count);

    const again = join(out, 'again.ndjson');
    const reading = pty(['profiles', `${ndjson}.parquet`, '--out', again], fastServer);
    expect(await reading.exit).toBe(0);
    const lines = screenLines(reading.output()).filter(Boolean);
    expect(lines.some((line) => /\d+ profiles read$/.test(line))).toBe(true);
    expect(lines.at(-1)).toBe(`${count} profiles written to ${again}`);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(ndjson, 'utf8'));
  });
});

describe('the CLI in a pipeline', () => {
  it('a reader that closes early ends the command quietly, exit 0', async () => {
    const client = clientOf(fastServer);
    for (let index = 0; index < 5; index++) await client.createExportJob(request([`seg-${index}`]));
    const env = { ...process.env, ...settings(fastServer) };
    for (const args of [
      ['--json', 'list', '--all', '--limit', '1'],
      ['list', '--all', '--jsonl', '--limit', '1'],
    ]) {
      const { stdout, stderr } = await intoClosingReader(args, env);
      expect(stdout.trim()).toBe('exit=0');
      expect(stderr).toBe('');
    }
  });

  it('profiles and export --out - into a reader that closes early end quietly, exit 0', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-pipe-'));
    folders.push(out);
    const env = { ...process.env, ...settings(fastServer) };
    const exported = await intoClosingReader(exportSeg('--format', 'ndjson', '--out', '-'), env);
    expect(exported.stdout.trim()).toBe('exit=0');
    const parquet = join(out, 'parquet');
    await promisify(execFile)(process.execPath, [cli, ...exportSeg('--out', parquet)], { env });
    const profiles = await intoClosingReader(['profiles', parquet], env);
    expect(profiles.stdout.trim()).toBe('exit=0');
    expect(profiles.stderr).toBe('');
  });

  it('without a terminal, progress is one plain line per change', async () => {
    const job = await clientOf(fastServer).createExportJob(request(['seg']));
    const run = spawnPiped(
      cli,
      ['wait', String(job.id), '--min-delay', '200ms', '--max-delay', '400ms'],
      settings(fastServer),
    );
    spawned.push(run);
    expect(await run.exit).toBe(0);
    expect(run.output()).not.toContain('\r');
    expect(run.output()).toMatch(new RegExp(`job ${job.id}: SUCCEEDED · the job ran \\d+s`));
  });
});
