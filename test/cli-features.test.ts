// The CLI's features, driven in-process through runCli (fake streams; `isTTY` and `columns` say
// what a terminal would), against the simulator or a scripted loopback server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-codes.js';
import { toJson } from '../src/cli/output/json.js';
import { VERSION } from '../src/index.js';
import { ExportJobsSimulator, startSimulatorServer } from '../src/testing/index.js';
import { useCliSimulator, type CliRunOptions } from './helpers/cli.js';

const { cli: run } = useCliSimulator();
/** Colours off, so that assertions read the text. */
const cli = (args: string[], options: CliRunOptions = {}) =>
  run(args, { ...options, env: { NO_COLOR: '1', ...options.env } });

const createJob = async (dataset: string, extra: string[] = []) => {
  const { stdout } = await cli(['--json', 'create', '--dataset', dataset, ...extra]);
  return (JSON.parse(stdout) as { id: number }).id;
};

describe('list', () => {
  it('says "No export jobs found" on stderr for an empty result, and prints nothing on stdout', async () => {
    const { code, stdout, stderr } = await cli(['list']);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toBe('');
    expect(stderr).toBe('No export jobs found\n');
  });

  it('fits a terminal: cuts the widest columns, then drops the least useful; never cuts in a pipe', async () => {
    const segments = Array.from({ length: 12 }, (_, index) => `segment-${index}-52c26d0d-45f2-47a2-ab30-ed06abc981ff`);
    await createJob('ds-wide', ['--segment', ...segments, '--segment-per-batch']);
    for (const columns of [100, 80, 50, 30]) {
      const { stdout } = await cli(['list'], { columns });
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
      expect(lines[0]).toMatch(/^ID\s+STATUS/);
    }
    expect((await cli(['list'], { columns: 30 })).stdout).not.toContain('CREATED');
    const piped = await cli(['list']);
    expect(piped.stdout).toContain(segments.join(', '));
    expect(piped.stdout).not.toContain('…');
  });

  it('streams one job per line with --jsonl, page by page', async () => {
    for (const dataset of ['ds-a', 'ds-b', 'ds-c']) await createJob(dataset);
    const { stdout } = await cli(['list', '--all', '--limit', '1', '--jsonl']);
    const lines = stdout.trimEnd().split('\n');
    expect(
      lines.map((line) => (JSON.parse(line) as { destination: { datasetId: string } }).destination.datasetId),
    ).toEqual(['ds-c', 'ds-b', 'ds-a']);
  });

  it('picks fields for the table and the JSON, short names and JSON paths', async () => {
    await createJob('ds-f');
    const table = await cli(['list', '--fields', 'id,dataset,destination.segmentPerBatch']);
    expect(table.stdout).toMatch(/^ID\s+DATASET\s+DESTINATION\.SEGMENTPERBATCH\n\d+\s+ds-f\s+false\n$/);
    const json = await cli(['--json', 'list', '--fields', 'id,status,dataset']);
    expect(JSON.parse(json.stdout)).toEqual([{ id: expect.any(Number), status: expect.any(String), dataset: 'ds-f' }]);
    const bad = await cli(['list', '--fields', 'id,,(']);
    expect(bad.code).toBe(ExitCode.Usage);
  });

  it('filters on every status, in any case: the API gets only what it documents', async () => {
    // A clock of the test's own: the first job is PROCESSING, the second still NEW.
    let now = Date.UTC(2026, 0, 1);
    const clocked = new ExportJobsSimulator({ clock: () => now, durations: { new: 2_000, processing: 6_000 } });
    const clockedServer = await startSimulatorServer(clocked);
    const env = { AEP_BASE_URL: clockedServer.baseUrl };
    try {
      const first = (
        JSON.parse((await cli(['--json', 'create', '--dataset', 'ds-1'], { env })).stdout) as { id: number }
      ).id;
      now += 3_000;
      await cli(['create', '--dataset', 'ds-2'], { env });
      const processing = await cli(['--json', 'list', '--status', 'processing'], { env });
      expect(processing.code).toBe(0);
      const found = (JSON.parse(processing.stdout) as Array<{ id: number; status: string }>).map((job) => [
        job.id,
        job.status,
      ]);
      expect(found).toEqual([[first, 'PROCESSING']]);
      expect(clocked.requests.every((request) => request.query.status === undefined)).toBe(true);
      const fresh = await cli(['--json', 'list', '--status', 'New'], { env });
      expect((JSON.parse(fresh.stdout) as unknown[]).length).toBe(1);
      expect(clocked.requests.some((request) => request.query.status === 'NEW')).toBe(true);
    } finally {
      await clockedServer.close();
    }
    const bad = await cli(['list', '--status', 'running']);
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.stderr).toContain('NEW, PROCESSING, SUCCEEDED, FAILED, CANCELLED');
  });
});

describe('mistakes a user makes exit 2, with a message that helps', () => {
  it.each([
    [['create', '--file', '/missing.json'], '--file /missing.json: cannot read it (no such file)'],
    [['wait', '1', '--timeout', '0.4'], '--timeout needs a unit, such as 0.4s or 0.4ms'],
    [['wait', '1', '--timeout', '5'], '--timeout needs a unit, such as 5s or 5ms'],
    [['wait', '1', '--min-delay', '0.4ms'], '--min-delay must be a duration from 1ms'],
    [['wait', '1', '--min-delay', '10s', '--max-delay', '2s'], '--max-delay (2s) must not be below --min-delay (10s)'],
    [['get', 'abc'], 'job id must be a positive integer'],
    [['list', '--json', '--jsonl'], 'either --json or --jsonl'],
    [['completion', 'powershell'], 'completion supports bash, zsh, fish'],
  ])('%j', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/RangeError|\n\s+at /);
  });

  it('names the port in use and suggests --port 0', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { code, stderr } = await cli(['simulator', '--port', String(port)]);
      expect(code).toBe(ExitCode.Usage);
      expect(stderr).toContain(
        `port ${port} on 127.0.0.1 is in use; pick another with --port <n>, or --port 0 for a free one`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('help, version and completion', () => {
  it('every command shows the global options and examples', async () => {
    for (const command of [
      'list',
      'get',
      'create',
      'cancel',
      'wait',
      'run',
      'export',
      'simulator',
      'demo',
      'completion',
    ]) {
      const { code, stdout } = await cli([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain('Global Options:');
      expect(stdout).toContain('--json');
      expect(stdout).toMatch(/Examples:\n {2}# .+\n {2}\$ .*aep-export-jobs .+\n {2}# .+\n {2}\$ .*aep-export-jobs /);
    }
    const wait = await cli(['wait', '--help']);
    expect(wait.stdout.replace(/\s+/g, ' ')).toContain('with its unit: 500ms, 30s, 10m, 1h (a bare number is refused)');
  });

  it('prints the version', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('writes completion scripts for bash, zsh and fish with commands, options and statuses', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const { code, stdout } = await cli(['completion', shell]);
      expect(code).toBe(0);
      for (const word of ['list', 'export', 'cancel-on-interrupt', 'jsonl', 'processing', 'cancelled'])
        expect(stdout).toContain(word);
    }
    const bash = (await cli(['completion', 'bash'])).stdout;
    // The script parses, and completes a command, an option and a status as bash would.
    const complete = (line: string) =>
      execFileSync(
        'bash',
        [
          '-c',
          `${bash}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _aep_export_jobs; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8' },
      ).trim();
    expect(complete('aep-export-jobs ex')).toBe('export');
    expect(complete('aep-export-jobs --sandbox prod list --st')).toBe('--status');
    expect(complete('aep-export-jobs list --status pro')).toBe('processing');
  });
});

describe('diagnostics', () => {
  it('DEBUG=aep-export-jobs prints the redacted per-attempt lines on stderr', async () => {
    const id = await createJob('ds');
    const { code, stderr } = await cli(['get', String(id)], { env: { DEBUG: 'other,aep-export-jobs' } });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^aep-export-jobs GET \/export\/jobs\/\d+ -> ok \(attempt 1\)$/m);
    expect(stderr).not.toContain('cli-token-123456');
    expect((await cli(['get', String(id)], { env: { DEBUG: 'other' } })).stderr).toBe('');
  });
});

describe('export', () => {
  it('--job resumes without claiming to create anything', async () => {
    const id = await createJob('ds', ['--segment', 'seg']);
    const dir = `${process.env.TMPDIR ?? '/tmp'}/cli-features-${process.pid}`;
    const { code, stderr } = await cli([
      'export',
      '--job',
      String(id),
      '--out',
      dir,
      '--min-delay',
      '1ms',
      '--max-delay',
      '5ms',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(new RegExp(`^Resuming export job ${id} \\((NEW|PROCESSING)\\) into dataset ds\\n`));
    expect(stderr).not.toContain('Created');
    execFileSync('rm', ['-rf', dir]);
  });

  it('prints the resume command when it stops after the job exists (here a timeout)', async () => {
    const timingOut = (...flags: string[]) => [
      ...['export', '--segment', 'seg', '--dataset', 'ds', '--out', './my export', ...flags],
      ...['--timeout', '2ms', '--min-delay', '1ms', '--max-delay', '1ms'],
    ];
    const { code, stderr } = await cli(timingOut());
    expect(code).toBe(ExitCode.WaitTimeout);
    expect(stderr).toMatch(/To resume: aep-export-jobs export --job \d+ --out '.\/my export'\n/);
    // A concurrency chosen is kept; the default is not spelt out.
    const chosen = await cli(timingOut('--concurrency', '2'));
    expect(chosen.stderr).toMatch(/To resume: aep-export-jobs export --job \d+ --out '.\/my export' --concurrency 2\n/);
    expect(stderr).toContain('timed out after 2ms');
  });
});

describe('what servers send', () => {
  let hostile: Server;
  let body = '';
  let baseUrl = '';
  beforeAll(async () => {
    hostile = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/data/core/ups`;
  });
  afterAll(() => new Promise((resolve) => hostile.close(resolve)));
  const job = (extra: Record<string, unknown>) => ({
    id: 7,
    status: 'SUCCEEDED',
    creationTime: Date.UTC(2026, 0, 1),
    updateTime: Date.UTC(2026, 0, 1, 0, 0, 20),
    destination: { datasetId: 'ds', segmentPerBatch: false, batchId: 'b' },
    schema: { name: '_xdm.context.profile' },
    ...extra,
  });

  it('strips escape sequences and controls from server text on a terminal', async () => {
    body = JSON.stringify(
      job({
        status: 'SUCCEEDED\u001b]0;owned\u0007\u001b[31m',
        destination: { datasetId: 'ds\u001b[2J\u009b31m\r', segmentPerBatch: false },
        fields: 'a\u202eb',
      }),
    );
    for (const args of [['get', '7'], ['list']]) {
      if (args[0] === 'list') body = JSON.stringify({ records: [JSON.parse(body) as object], page: {}, link: {} });
      const { code, stdout } = await cli(args, { env: { AEP_BASE_URL: baseUrl }, columns: 120 });
      expect(code).toBe(0);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(stdout).toContain('SUCCEEDED');
    }
  });

  it('prints any value the SDK accepts: a creationTime of 1e300, a field nested 20,000 deep', async () => {
    let deep: unknown = 'bottom';
    for (let depth = 0; depth < 20_000; depth++) deep = { next: deep };
    body = toJson(job({ creationTime: 1e300, deep }), 0);
    const human = await cli(['get', '7'], { env: { AEP_BASE_URL: baseUrl } });
    expect(human).toMatchObject({ code: 0 });
    expect(human.stdout).toMatch(/created\s+1e\+300/);
    const json = await cli(['--json', 'get', '7'], { env: { AEP_BASE_URL: baseUrl } });
    expect(json.code).toBe(0);
    expect(json.stdout.length).toBeGreaterThan(20_000 * 8);
    expect(json.stdout).toContain('"creationTime": 1e+300');
  });
});

describe('toJson', () => {
  it('writes what JSON.stringify writes', () => {
    const value = {
      a: [1, 'two', null, undefined, { b: true }],
      c: undefined,
      d: new Date(0),
      e: {},
      f: [],
      g: Number.NaN,
      h: 'q"\n',
    };
    expect(toJson(value)).toBe(JSON.stringify(value, null, 2));
    expect(toJson(value, 0)).toBe(JSON.stringify(value));
  });
});
