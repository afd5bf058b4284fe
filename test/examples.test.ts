// Every example in examples/ runs here the way examples/README.md says to run it: as a process of
// its own, `npm run example -- examples/<file> <args>` (or the `node --import ./examples/register.mjs
// examples/<file>` it stands for, on this Node), its client built by env-client.ts from AEP_*
// variables that point at an embedded simulator served on loopback. What is asserted is what a
// user sees: the lines printed, the exit code, and the jobs the run left on the simulator. A few
// in-process tests of the examples' exported functions cover what a process cannot reach
// cheaply: injected faults at a precise moment, a refused token.
//
// The runs are concurrent (each has its own simulator server): spawning Node costs about a second.
// The waits of examples run as processes are the SDK's defaults (2 s between polls), so the jobs
// they create finish within one wait: NEW for 0 ms, PROCESSING for 1 s.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { ExportJobsClient, type ExportJobsClientOptions } from '../src/index.js';
import {
  DEFAULT_MANUAL_START,
  ExportJobsSimulator,
  startSimulatorServer,
  type ExportJobsSimulatorOptions,
} from '../src/testing/index.js';
import { clientFromEnv, requireEnv } from '../examples/env-client.js';
import { explain, showJob } from '../examples/error-handling.js';
import { createServer } from '../examples/http-service.js';
import { listAllJobs } from '../examples/list-all.js';
import { exportSegmentToBatch } from '../examples/testing-with-simulator.js';

const repo = resolve(import.meta.dirname, '..');
const ORG_ID = 'EXAMPLES000000000000000A@AdobeOrg';
const SANDBOX = 'examples';
const FAST = { minDelay: 1, maxDelay: 1 };
const REQUEST = { destination: { datasetId: 'dataset-1' }, schema: { name: '_xdm.context.profile' } };
/** Per test: a run spawns npm and Node, each a second or more on a loaded machine. */
const SPAWN_TIMEOUT = 60_000;
/** Jobs that finish within one poll interval of the SDK's defaults. */
const QUICK_JOBS = { durations: { new: 0, processing: 1_000 } };

// ---------------------------------------------------------------------------------------------
// Running an example as a process.

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the example printed on stdout, line by line (npm's `> script` banner left out). */
  lines: string[];
  stderr: string;
}

interface RunOptions {
  /** Variables set for this run, on top of the simulator's (undefined removes one). */
  env?: Record<string, string | undefined>;
  /** `npm`: `npm run example -- examples/<file> ...`; `node`: `node --import ./examples/register.mjs ...`. */
  via?: 'npm' | 'node';
  /** Called with each line printed as it runs, and what a Ctrl-C in its terminal would do. */
  onLine?: (line: string, ctrlC: () => void) => void;
}
/**
 * The environment of a run: this process's, less any AEP_* variable of the developer's, plus a
 * client for `server` (any token is accepted by the simulator).
 */
function exampleEnv(server: { baseUrl: string } | undefined, extra: RunOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AEP_')),
  );
  if (server !== undefined) {
    Object.assign(env, {
      AEP_BASE_URL: server.baseUrl,
      AEP_ACCESS_TOKEN: 'example-token',
      AEP_API_KEY: 'example-client-id',
      AEP_ORG_ID: ORG_ID,
      AEP_SANDBOX_NAME: SANDBOX,
    });
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** npm's command line: the npm running these tests (on this Node) when there is one, else `npm` from the PATH. */
function npmCommand(args: string[]): [string, string[]] {
  const npmCli = process.env.npm_execpath;
  if (npmCli !== undefined && /npm-cli\.c?js$/.test(npmCli)) return [process.execPath, [npmCli, ...args]];
  return ['npm', args];
}

/**
 * Runs `examples/<file> <args>` as the README says, against `server`; resolves once it has exited.
 * It runs in a process group of its own, as in a terminal: Ctrl-C signals the group (npm and the
 * Node it starts), and the group is killed if it outlives the test.
 */
function runExample(
  context: TestContext,
  file: string,
  args: string[],
  server: { baseUrl: string } | undefined,
  options: RunOptions = {},
): Promise<Run> {
  const { via = 'node', onLine } = options;
  // process.execPath is the project's Node 22 (npm scripts and npx put it first on the PATH).
  const [command, commandArgs] =
    via === 'npm'
      ? npmCommand(['run', 'example', '--', `examples/${file}`, ...args])
      : [process.execPath, ['--import', './examples/register.mjs', `examples/${file}`, ...args]];
  const child = spawn(command, commandArgs, { cwd: repo, env: exampleEnv(server, options.env), detached: true });
  let exited = false;
  const signal = (name: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group has already gone.
    }
  };
  context.onTestFinished(() => signal('SIGKILL'));
  const ctrlC = () => signal('SIGINT');
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    let end: number;
    while ((end = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, end);
      stdout = stdout.slice(end + 1);
      if (via === 'npm' && (line === '' || line.startsWith('> '))) continue;
      lines.push(line);
      onLine?.(line, ctrlC);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, signalName) => {
      exited = true;
      if (stdout !== '') lines.push(stdout);
      done({ code, signal: signalName, lines, stderr });
    });
  });
}

/** A simulator served on loopback for one test, closed when the test ends. */
async function serve(context: TestContext, options: ExportJobsSimulatorOptions = {}) {
  const server = await startSimulatorServer(new ExportJobsSimulator(options));
  context.onTestFinished(() => server.close());
  return server;
}

/** A folder for one test, removed when the test ends. */
async function tempDir(context: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aep-export-jobs-example-'));
  context.onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Asserts a usage error: the problems and the usage on stderr, exit code 2, nothing printed or sent. */
function expectUsageError(run: Run, simulator: ExportJobsSimulator, problems: string[], usage: string): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.lines).toEqual([]);
  for (const problem of problems) expect(run.stderr).toContain(`${problem}\n`);
  expect(run.stderr).toContain(`Usage: ${usage}\n`);
  expect(simulator.requests).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// In-process: a simulator answering through `fetch`, whose clock moves a second on each read.

function setup(options: ExportJobsSimulatorOptions = {}, client: Partial<ExportJobsClientOptions> = {}) {
  let now = DEFAULT_MANUAL_START;
  const simulator = new ExportJobsSimulator({ clock: () => (now += 1_000), ...options });
  return {
    simulator,
    client: new ExportJobsClient({
      accessToken: 'example-token',
      apiKey: 'example-client-id',
      orgId: ORG_ID,
      sandboxName: SANDBOX,
      fetch: simulator.fetch,
      ...client,
    }),
  };
}

it.concurrent('runs every example in examples/ as a process somewhere in this file', () => {
  const examples = readdirSync(join(repo, 'examples')).filter(
    (name) => name.endsWith('.ts') && name !== 'env-client.ts',
  );
  const source = readFileSync(import.meta.filename, 'utf8');
  const notRun = examples.filter((name) => !source.includes(`runExample(context, '${name}'`));
  expect(notRun, 'examples that test/examples.test.ts never runs').toEqual([]);
});

it.concurrent(
  'the examples type-check with erasableSyntaxOnly, which refuses the syntax Node cannot strip',
  { timeout: 120_000 },
  async () => {
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const compile = (project: string) =>
      new Promise<string>((done, fail) => {
        const child = spawn(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: repo });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        child.once('error', fail);
        child.once('close', () => done(output));
      });
    // A parameter property in a project extending examples/tsconfig.json: the rule reports it.
    const probe = await mkdtemp(join(tmpdir(), 'aep-export-jobs-erasable-'));
    try {
      await writeFile(join(probe, 'probe.ts'), 'export class Probe {\n  constructor(readonly value: number) {}\n}\n');
      const config = {
        extends: join(repo, 'examples', 'tsconfig.json'),
        compilerOptions: { types: [] },
        files: ['probe.ts'],
        include: [],
      };
      await writeFile(join(probe, 'tsconfig.json'), JSON.stringify(config));
      const [probeOutput, examplesOutput] = await Promise.all([compile(probe), compile('examples')]);
      expect(probeOutput).toMatch(
        /probe\.ts\(2,15\): error TS1294: This syntax is not allowed when 'erasableSyntaxOnly' is enabled/,
      );
      // Errors in src/ that are not about erasable syntax are the type-check's (npm run typecheck) to report.
      const reported = examplesOutput.split('\n').filter((line) => /^examples\/|error TS1294/.test(line));
      expect(reported, examplesOutput).toEqual([]);
    } finally {
      await rm(probe, { recursive: true, force: true });
    }
  },
);

describe.concurrent('create-and-wait.ts', { timeout: SPAWN_TIMEOUT }, () => {
  it('creates an export job for the segments, prints its progress and the batch written, exits 0', async (context) => {
    const server = await serve(context, QUICK_JOBS);
    const run = await runExample(context, 'create-and-wait.ts', [], server, {
      via: 'npm',
      env: { AEP_DATASET_ID: 'dataset-1', AEP_SEGMENT_IDS: 'segment-a, segment-b' },
    });
    expect(run.code, run.stderr).toBe(0);
    const [job] = server.simulator.jobs(SANDBOX);
    expect(job?.status).toBe('SUCCEEDED');
    expect(job?.filter?.segments?.map((segment) => segment.segmentId)).toEqual(['segment-a', 'segment-b']);
    expect(run.lines[0]).toBe('created export job 1000');
    expect(run.lines.slice(1, -1).at(-1)).toMatch(/^export job 1000: \w+ -> SUCCEEDED$/);
    expect(run.lines.at(-1)).toMatch(/^export job 1000 wrote 200 profiles to dataset dataset-1, batch [0-9a-f]{32}$/);
  });

  it('without AEP_DATASET_ID prints its usage, exits 2 and creates no job', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'create-and-wait.ts', [], server, { env: { AEP_SEGMENT_IDS: 'segment-a' } });
    const usage =
      'AEP_DATASET_ID=<dataset id> [AEP_SEGMENT_IDS=<id>,<id>...] npm run example -- examples/create-and-wait.ts';
    expectUsageError(run, server.simulator, ['AEP_DATASET_ID is not set'], usage);
  });
});

describe.concurrent('list-all.ts', { timeout: SPAWN_TIMEOUT }, () => {
  /** A simulator with 120 finished jobs, the newest FAILED, and one job in another sandbox. */
  async function serveJobs(context: TestContext) {
    const server = await serve(context, { failingSegments: ['bad-segment'] });
    const { simulator } = server;
    const done = simulator.now() - 60_000;
    for (let index = 119; index > 0; index--) {
      simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: done - index });
    }
    const failing = { ...REQUEST, filter: { segments: [{ segmentId: 'bad-segment' }] } };
    const failed = simulator.addJob(failing, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: done });
    simulator.addJob(REQUEST, { sandboxName: 'another-sandbox', orgId: ORG_ID, createdAt: done });
    return { server, failed };
  }
  const jobLine = /^(\d+)\t(SUCCEEDED|FAILED)\t\d{4}-\d\d-\d\dT[\d:.]+Z\tdataset-1$/;

  it('prints every job of the sandbox across pages, newest first, then counts them by status', async (context) => {
    const { server, failed } = await serveJobs(context);
    const run = await runExample(context, 'list-all.ts', [], server);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.slice(0, -1).every((line) => jobLine.test(line))).toBe(true);
    expect(run.lines[0]?.split('\t').slice(0, 2)).toEqual([String(failed.id), 'FAILED']);
    expect(run.lines).toHaveLength(121);
    expect(run.lines.at(-1)).toBe('120 export jobs: 1 FAILED, 119 SUCCEEDED');
    // Pages of 100: the first, then the one its link.next names.
    const pages = server.simulator.requests.filter((request) => request.path.startsWith('/export/jobs'));
    expect(pages.map((request) => request.query.offset === undefined)).toEqual([true, false]);
  });

  it('with a status prints only the jobs that have it', async (context) => {
    const { server, failed } = await serveJobs(context);
    const run = await runExample(context, 'list-all.ts', ['FAILED'], server, { via: 'npm' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toEqual([expect.stringMatching(jobLine), '1 export job: 1 FAILED']);
    expect(run.lines[0]?.startsWith(`${failed.id}\tFAILED\t`)).toBe(true);
  });

  it('with an unknown status prints its usage and exits 2 without listing anything', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'list-all.ts', ['DONE'], server);
    const problem = 'the status must be one of NEW, SUCCEEDED, FAILED, got "DONE"';
    expectUsageError(
      run,
      server.simulator,
      [problem],
      'npm run example -- examples/list-all.ts [NEW|SUCCEEDED|FAILED]',
    );
  });

  it('with --help prints its usage and exits 0 without listing anything', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'list-all.ts', ['--help'], server);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines[0]).toBe('Usage: npm run example -- examples/list-all.ts [NEW|SUCCEEDED|FAILED]');
    expect(server.simulator.requests).toEqual([]);
  });

  it('resumes where it stopped when a page fails for a transient reason, repeating no job', async () => {
    const { simulator, client } = setup({}, { maxRetries: 0 });
    const done = simulator.now() - 60_000;
    for (let index = 0; index < 5; index++) {
      simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt: done - index });
    }
    const seen: string[] = [];
    const log = (line: string) => {
      // Once the first page is being read, the next request (the second page) gets a 503.
      if (seen.length === 0) simulator.inject({ kind: 'status', status: 503 });
      seen.push(line);
    };
    expect(await listAllJobs(client, { limit: 2, log, resumeDelay: 1 })).toEqual({ SUCCEEDED: 5 });
    expect(seen.filter((line) => line.startsWith('listing stopped after 2 jobs'))).toHaveLength(1);
    const ids = seen.filter((line) => /^\d+\t/.test(line)).map((line) => line.split('\t')[0]);
    expect(ids).toEqual(['1000', '1001', '1002', '1003', '1004']);
  });
});

describe.concurrent('cancel-on-timeout.ts', { timeout: SPAWN_TIMEOUT }, () => {
  it("prints the job's status and exits 0 when the job succeeds before the deadline", async (context) => {
    const server = await serve(context, QUICK_JOBS);
    const { id } = server.simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID });
    const run = await runExample(context, 'cancel-on-timeout.ts', [String(id), '1'], server, { via: 'npm' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.at(-2)).toBe(`export job ${id}: SUCCEEDED`);
    expect(run.lines.at(-1)).toBe(`export job ${id} finished: SUCCEEDED`);
  });

  it('cancels the job when the deadline passes, says so and exits 1', async (context) => {
    const server = await serve(context, { durations: { new: 0, processing: 1e12 } });
    const { id } = server.simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID });
    // 0.005 minutes: 300 ms.
    const run = await runExample(context, 'cancel-on-timeout.ts', [String(id), '0.005'], server);
    expect(run.code, run.stderr).toBe(1);
    expect(run.lines).toEqual([
      `export job ${id}: PROCESSING`,
      `cancelled export job ${id}: Export job has been marked for cancelling`,
      `export job ${id} did not finish within 300 ms (last status PROCESSING)`,
    ]);
    expect(server.simulator.job(id)?.status).toBe('CANCELLED');
  });

  it('Ctrl-C cancels the job, then exits 130', async (context) => {
    const server = await serve(context, { durations: { new: 0, processing: 1e12 } });
    const { id } = server.simulator.addJob(REQUEST, { sandboxName: SANDBOX, orgId: ORG_ID });
    const run = await runExample(context, 'cancel-on-timeout.ts', [String(id)], server, {
      onLine: (line, ctrlC) => {
        if (line === `export job ${id}: PROCESSING`) ctrlC();
      },
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.lines).toEqual([
      `export job ${id}: PROCESSING`,
      `cancelled export job ${id}: Export job has been marked for cancelling`,
      'interrupted',
    ]);
    expect(server.simulator.job(id)?.status).toBe('CANCELLED');
  });

  it('without a job id prints its usage and exits 2', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'cancel-on-timeout.ts', [], server);
    const usage = 'npm run example -- examples/cancel-on-timeout.ts <job id> [minutes]';
    expectUsageError(run, server.simulator, ['a job id is required'], usage);
  });
});

describe.concurrent('env-client.ts', { timeout: SPAWN_TIMEOUT }, () => {
  it('builds a working client from an access token and API key in the environment', async () => {
    const { simulator } = setup({ credentials: { accessToken: 'env-token', apiKey: 'env-key', orgId: ORG_ID } });
    const env = {
      AEP_ACCESS_TOKEN: 'env-token',
      AEP_API_KEY: 'env-key',
      AEP_ORG_ID: ORG_ID,
      AEP_SANDBOX_NAME: SANDBOX,
    };
    const client = clientFromEnv(env, { fetch: simulator.fetch });
    await client.createExportJob(REQUEST);
    expect(simulator.jobs(SANDBOX)).toHaveLength(1);
  });

  it('builds an OAuth client from AEP_CLIENT_ID and AEP_CLIENT_SECRET that gets its token from IMS', async () => {
    const { simulator } = setup({ ims: { clientId: 'env-client', clientSecret: 'env-secret' } });
    const env = {
      AEP_CLIENT_ID: 'env-client',
      AEP_CLIENT_SECRET: 'env-secret',
      AEP_ORG_ID: ORG_ID,
      AEP_SANDBOX_NAME: SANDBOX,
    };
    const client = clientFromEnv(env, { fetch: simulator.fetch });
    await client.listExportJobs();
    await client.listExportJobs();
    expect(simulator.tokensIssued).toBe(1);
    expect(simulator.requests.find((request) => request.path === '/export/jobs')?.headers['x-api-key']).toBe(
      'env-client',
    );
  });

  it('names every missing variable, and requireEnv names the one it needs', () => {
    expect(() => clientFromEnv({ AEP_ORG_ID: ORG_ID })).toThrow(
      'Missing environment variables: AEP_ACCESS_TOKEN, AEP_API_KEY, AEP_SANDBOX_NAME',
    );
    expect(() => requireEnv('AEP_DATASET_ID', {})).toThrow('Missing environment variable: AEP_DATASET_ID');
    expect(requireEnv('AEP_DATASET_ID', { AEP_DATASET_ID: ' dataset-1 ' })).toBe('dataset-1');
  });

  it("an example without the client's variables names each missing one, shows its usage and exits 2", async (context) => {
    const run = await runExample(context, 'error-handling.ts', ['1000'], undefined, { env: { AEP_ORG_ID: ORG_ID } });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /^AEP_ACCESS_TOKEN is not set\nAEP_API_KEY is not set\nAEP_SANDBOX_NAME is not set\n\nUsage: /,
    );
    expect(run.stderr).toContain('AEP_CLIENT_ID and AEP_CLIENT_SECRET');
  });
});

describe.concurrent('error-handling.ts', { timeout: SPAWN_TIMEOUT }, () => {
  it("prints a failed job's status with Adobe's reasons and exits 0", async (context) => {
    const server = await serve(context, { failingSegments: ['bad-segment'] });
    const failing = { ...REQUEST, filter: { segments: [{ segmentId: 'bad-segment' }] } };
    const createdAt = server.simulator.now() - 60_000;
    const { id } = server.simulator.addJob(failing, { sandboxName: SANDBOX, orgId: ORG_ID, createdAt });
    const run = await runExample(context, 'error-handling.ts', [String(id)], server, { via: 'npm' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toEqual([
      expect.stringMatching(
        new RegExp(`^export job ${id}: FAILED \\(0090000009 Error writing profiles .*; unknown Job aborted\\.\\)$`),
      ),
    ]);
  });

  it('explains in one line that a job does not exist, and exits 1', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'error-handling.ts', ['4242'], server);
    expect(run.code, run.stderr).toBe(1);
    expect(run.lines).toEqual([expect.stringMatching(/^no such export job in this sandbox \(request id [\w-]+\)$/)]);
  });

  it('without a job id prints its usage and exits 2', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'error-handling.ts', [], server);
    expectUsageError(
      run,
      server.simulator,
      ['a job id is required'],
      'npm run example -- examples/error-handling.ts <job id>',
    );
  });

  it('explains a refused token, a token IMS refused, a server error and an invalid id in one line each', async () => {
    const { simulator, client } = setup({ credentials: { accessToken: 'example-token' } }, { maxRetries: 0 });
    const expired = client.withOptions({ accessToken: 'expired-token' });
    expect((await showJob(expired, 4242, () => {})).line).toMatch(
      /^not authenticated: .*401.*Oauth token is not valid/,
    );
    const { simulator: ims } = setup({ ims: { clientId: 'client', clientSecret: 'secret' } });
    const oauth = new ExportJobsClient({
      credentials: { clientId: 'client', clientSecret: 'wrong' },
      orgId: ORG_ID,
      sandboxName: SANDBOX,
      fetch: ims.fetch,
      maxRetries: 0,
    });
    expect(await showJob(oauth, 4242, () => {})).toEqual({
      ok: false,
      line: expect.stringMatching(/^no access token: IMS token request failed/),
    });
    simulator.inject({ kind: 'status', status: 503 });
    expect((await showJob(client, 4242, () => {})).line).toMatch(
      /^AEP failed with 503 on every attempt \(request ids [\w-]+\)$/,
    );
    expect((await showJob(client, '../4242', () => {})).line).toMatch(/^nothing was sent: id must not contain/);
    expect(() => explain(new Error('a bug'))).toThrow('a bug');
  });
});

describe.concurrent('http-service.ts', { timeout: SPAWN_TIMEOUT }, () => {
  /** An HTTP call to the service; the answer's status, Location and JSON body. */
  async function call(origin: string, method: string, path: string, body?: string) {
    const init = body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } };
    const response = await fetch(`${origin}${path}`, { method, ...init });
    const json = (await response.json()) as Record<string, unknown>;
    return { status: response.status, location: response.headers.get('location'), body: json };
  }

  it('serves POST /exports and GET /exports/:id on the port it prints, until Ctrl-C', async (context) => {
    // Jobs stay NEW for 10 s, so that what the service answers is known.
    const server = await serve(context, { durations: { new: 10_000 } });
    let listen: (service: { url: string; ctrlC: () => void }) => void = () => {};
    const listening = new Promise<{ url: string; ctrlC: () => void }>((resolve) => (listen = resolve));
    const running = runExample(context, 'http-service.ts', ['0'], server, {
      via: 'npm',
      env: { AEP_DATASET_ID: 'dataset-default' },
      onLine: (line, ctrlC) => {
        const url = /^export service on (http:\/\/127\.0\.0\.1:\d+) \(Ctrl-C to stop\)$/.exec(line)?.[1];
        if (url !== undefined) listen({ url, ctrlC });
      },
    });
    const ended = running.then((run) => Promise.reject(new Error(`the service stopped: ${run.stderr}`)));
    const { url, ctrlC } = await Promise.race([listening, ended]);
    const started = await call(url, 'POST', '/exports', JSON.stringify({ segmentIds: ['segment-a'] }));
    expect(started).toEqual({
      status: 202,
      location: '/exports/1000',
      body: { id: 1000, status: 'NEW', datasetId: 'dataset-default', batchIds: [] },
    });
    expect(server.simulator.jobs(SANDBOX)).toMatchObject([
      { id: 1000, filter: { segments: [{ segmentId: 'segment-a' }] } },
    ]);
    const status = await call(url, 'GET', '/exports/1000');
    expect(status).toEqual({ status: 200, location: null, body: started.body });
    expect(await call(url, 'GET', '/exports/4242')).toMatchObject({
      status: 404,
      body: { error: 'no such export job' },
    });
    ctrlC();
    const run = await running;
    // npm ends on the SIGINT itself; the service closes its server, and nothing went wrong on the way.
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.lines.slice(1)).toEqual(['started export job 1000 for segment-a']);
    await expect(fetch(`${url}/exports/1000`)).rejects.toThrow();
  });

  it('with a port that is not one prints its usage and exits 2', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'http-service.ts', ['70000'], server);
    const usage = '[AEP_DATASET_ID=<default dataset id>] npm run example -- examples/http-service.ts [port]';
    expectUsageError(run, server.simulator, ['the port must be from 0 to 65535, got "70000"'], usage);
  });

  /** The service in this process on a free loopback port, in front of an in-process simulator. */
  async function start(
    context: TestContext,
    options: Parameters<typeof createServer>[1] = {},
    clientOptions: Partial<ExportJobsClientOptions> = {},
  ) {
    const { simulator, client } = setup({}, clientOptions);
    const service = createServer(client, options);
    await new Promise<void>((ready) => service.listen(0, '127.0.0.1', ready));
    context.onTestFinished(() => new Promise<void>((done) => service.close(() => done())));
    const origin = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    return { simulator, call: (method: string, path: string, body?: string) => call(origin, method, path, body) };
  }

  it("reports the job's progress on GET /exports/:id until it has succeeded", async (context) => {
    const { call } = await start(context);
    const { body } = await call(
      'POST',
      '/exports',
      JSON.stringify({ segmentIds: ['segment-a'], datasetId: 'dataset-1' }),
    );
    const statuses: unknown[] = [];
    for (let poll = 0; poll < 20 && statuses.at(-1) !== 'SUCCEEDED'; poll++) {
      statuses.push((await call('GET', `/exports/${String(body.id)}`)).body.status);
    }
    expect(statuses.at(-1)).toBe('SUCCEEDED');
    expect(statuses).toContain('PROCESSING');
    const done = await call('GET', `/exports/${String(body.id)}`);
    expect(done.body).toMatchObject({ id: body.id, status: 'SUCCEEDED', datasetId: 'dataset-1', profiles: 100 });
    expect(done.body.batchIds).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
  });

  it("answers the caller's mistakes with 4xx and sends nothing to AEP", async (context) => {
    const { simulator, call } = await start(context);
    expect(await call('POST', '/exports', '{not json')).toMatchObject({
      status: 400,
      body: { error: 'the request body must be JSON' },
    });
    expect(await call('POST', '/exports', JSON.stringify({ segmentIds: [] }))).toMatchObject({ status: 400 });
    expect(await call('POST', '/exports', JSON.stringify({ segmentIds: ['segment-a'] }))).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('datasetId is required') },
    });
    expect(
      await call('POST', '/exports', JSON.stringify({ segmentIds: ['segment-a'], datasetId: '   ' })),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid request' },
    });
    expect(await call('GET', '/exports/99999999999999999999')).toMatchObject({
      status: 400,
      body: { error: 'invalid request' },
    });
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404 });
    expect(await call('DELETE', '/exports/1000')).toMatchObject({ status: 405 });
    expect(simulator.requests).toEqual([]);
  });

  it('answers 502 when AEP fails, without passing on its details', async (context) => {
    const { simulator, call } = await start(context, {}, { maxRetries: 0 });
    simulator.inject({ kind: 'status', status: 500 });
    expect(await call('GET', '/exports/4242')).toEqual({
      status: 502,
      location: null,
      body: { error: 'AEP refused or failed the request', requestId: expect.any(String) },
    });
  });
});

describe.concurrent('segments-to-files.ts', { timeout: SPAWN_TIMEOUT }, () => {
  it('downloads the exported files into the given folder, one per segment, creating the dataset', async (context) => {
    const server = await serve(context, QUICK_JOBS);
    const dir = await tempDir(context);
    const env = { AEP_SEGMENT_IDS: 'segment-a,segment-b', AEP_SEGMENT_PER_BATCH: '1' };
    const run = await runExample(context, 'segments-to-files.ts', [dir], server, { via: 'npm', env });
    expect(run.code, run.stderr).toBe(0);
    const [dataset] = server.simulator.datasets(SANDBOX);
    expect(run.lines[0]).toBe(`export job 1000 created, writing to dataset ${dataset?.id}`);
    expect(run.lines.at(-1)).toBe(`export job 1000: 4 files in ${dir}`);
    expect((await readdir(dir)).sort()).toEqual(['segment-a', 'segment-b']);
    const files = run.lines.filter((line) => line.startsWith(dir));
    expect(files).toHaveLength(4);
    for (const line of files) {
      const [, path, bytes] = /^(.+) \((\d+) bytes\)$/.exec(line) ?? [];
      expect((await stat(path!)).size).toBe(Number(bytes));
    }
  });

  it('without a folder writes the files to a new temporary folder and says where', async (context) => {
    const server = await serve(context, QUICK_JOBS);
    const temp = await tempDir(context);
    const run = await runExample(context, 'segments-to-files.ts', [], server, {
      env: { AEP_SEGMENT_IDS: 'segment-a', AEP_DATASET_ID: 'dataset-1', TMPDIR: temp },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines[0]).toBe('export job 1000 created, writing to dataset dataset-1');
    const [folder] = await readdir(temp);
    expect(folder).toMatch(/^aep-export-/);
    expect(run.lines.at(-1)).toBe(`export job 1000: 2 files in ${join(temp, folder!)}`);
    expect(await readdir(join(temp, folder!))).toHaveLength(2);
  });

  it('without AEP_SEGMENT_IDS prints its usage, exits 2 and creates no job', async (context) => {
    const server = await serve(context);
    const run = await runExample(context, 'segments-to-files.ts', [await tempDir(context)], server);
    const usage =
      'AEP_SEGMENT_IDS=<id>,<id>... [AEP_DATASET_ID=<dataset id>] [AEP_SEGMENT_PER_BATCH=1] ' +
      'npm run example -- examples/segments-to-files.ts [folder]';
    expectUsageError(run, server.simulator, ['AEP_SEGMENT_IDS is not set'], usage);
  });
});

describe.concurrent('testing-with-simulator.ts', { timeout: SPAWN_TIMEOUT }, () => {
  it('runs its own test of exportSegmentToBatch, which passes, and prints what it saw', async (context) => {
    const run = await runExample(context, 'testing-with-simulator.ts', [], undefined, { via: 'npm' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toEqual([expect.stringMatching(/^ok: batch [0-9a-f]{32}, \d+ requests, 1 token issued$/)]);
  });

  it('exportSegmentToBatch resolves with the batch the job wrote', async () => {
    const { simulator, client } = setup();
    const batchId = await exportSegmentToBatch(client, 'segment-a', 'dataset-1', FAST);
    expect(simulator.jobs(SANDBOX)[0]?.destination).toEqual({
      datasetId: 'dataset-1',
      segmentPerBatch: false,
      batchId,
    });
  });
});

describe.concurrent('segment-to-ndjson.ts', { timeout: SPAWN_TIMEOUT }, () => {
  it('writes one NDJSON line per exported profile of the segment', async (context) => {
    const server = await serve(context, QUICK_JOBS);
    const out = join(await tempDir(context), 'profiles.ndjson');
    const run = await runExample(context, 'segment-to-ndjson.ts', [out], server, {
      via: 'npm',
      env: { AEP_SEGMENT_ID: 'segment-a', AEP_DATASET_ID: 'dataset-1' },
    });
    expect(run.code, run.stderr).toBe(0);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const [job] = server.simulator.jobs(SANDBOX);
    expect(lines).toHaveLength(job!.metrics!.totalExportedProfileCounter!);
    expect(JSON.parse(lines[0]!)).toMatchObject({ _id: expect.any(String) });
  });
});
