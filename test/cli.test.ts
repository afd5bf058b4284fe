import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/cli/exit-codes.js';
import { ExportJobsSimulator, startSimulatorServer } from '../src/testing/index.js';
import { useCliSimulator } from './helpers/cli.js';

const { simulator, cli } = useCliSimulator({ failingSegments: ['broken-segment'] });

const FAST = ['--min-delay', '1ms', '--max-delay', '5ms'];

describe('aep-export-jobs CLI', () => {
  it('says it found the job when the answer to create was lost after the job was made, and prints that job', async () => {
    simulator.inject({ kind: 'applied-then-drop' }, { match: { method: 'POST' } });
    const { code, stdout, stderr } = await cli(['create', '--dataset', 'ds-1']);
    expect(code).toBe(ExitCode.Success);
    const [job] = simulator.jobs('dev');
    expect(simulator.jobs('dev')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`found export job ${job!.id} created at .* and continued with it`));
    expect(stdout).toBe(`Created export job ${job!.id} (${job!.status})\n`);
  });

  it('creates a job from flags and prints its id', async () => {
    const { code, stdout } = await cli([
      'create',
      '--dataset',
      'ds-1',
      '--segment',
      'seg-a',
      'seg-b',
      '--segment-per-batch',
      '--fields',
      'identities.id',
    ]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/^Created export job \d+ \(NEW\)\n$/);
    const [job] = simulator.jobs('dev');
    expect(job).toMatchObject({
      fields: 'identities.id',
      destination: { datasetId: 'ds-1', segmentPerBatch: true },
      filter: { segments: [{ segmentId: 'seg-a' }, { segmentId: 'seg-b' }] },
    });
  });

  it('creates a job from a request file and prints one JSON document with --json', async () => {
    const request = {
      destination: { datasetId: 'ds-2' },
      schema: { name: '_xdm.context.profile' },
      filter: { segments: [{ segmentId: 's' }] },
    };
    const { code, stdout, stderr } = await cli(['--json', 'create', '--file', 'request.json'], {
      files: { 'request.json': JSON.stringify(request) },
    });
    expect(code).toBe(ExitCode.Success);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'NEW', destination: { datasetId: 'ds-2' } });
    expect(stderr).toBe('');
  });

  it('exits 2 naming the field, and sends nothing, when the request is invalid', async () => {
    const { code, stderr } = await cli(['create', '--file', 'bad.json'], {
      files: { 'bad.json': JSON.stringify({ destination: {}, schema: { name: '_xdm.context.profile' } }) },
    });
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain('destination.datasetId: is required');
    expect(simulator.requests).toHaveLength(0);
  });

  it('exits 2 naming every missing setting with its flag and variable', async () => {
    const { code, stderr } = await cli(['list'], { env: { AEP_API_KEY: undefined, AEP_SANDBOX_NAME: '' } });
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toContain('Missing settings: --api-key or AEP_API_KEY, --sandbox or AEP_SANDBOX_NAME');
  });

  it('exits 2 on an unknown command or option, and 0 for --help', async () => {
    expect((await cli(['frobnicate'])).code).toBe(ExitCode.Usage);
    expect((await cli(['list', '--colour'])).code).toBe(ExitCode.Usage);
    const help = await cli(['--help']);
    expect(help.code).toBe(ExitCode.Success);
    expect(help.stdout).toContain(
      'Exit codes: 0 succeeded, 1 job failed, 2 usage or validation error, 3 wait timed out, 4 API or network error, 130 interrupted.',
    );
  });

  it('runs a job to success: exit 0, the job on stdout, progress lines on stderr', async () => {
    const { code, stdout, stderr } = await cli(['run', '--dataset', 'ds', '--segment', 'seg', ...FAST]);
    expect(code).toBe(ExitCode.Success);
    expect(stdout).toMatch(/status\s+SUCCEEDED/);
    expect(stderr).toMatch(/^Created export job \d+\njob \d+: (NEW|PROCESSING) after \d+m?s\n/);
    // The job's own duration, from its timestamps (the simulator's clock), then how long the CLI watched.
    expect(stderr).toMatch(/job \d+: SUCCEEDED · the job ran \d+s · watched \d+ms, \d+ polls\n$/);
  });

  it('exits 1 when the job fails, showing its errors', async () => {
    const { code, stdout } = await cli(['run', '--dataset', 'ds', '--segment', 'broken-segment', ...FAST]);
    expect(code).toBe(ExitCode.JobFailed);
    expect(stdout).toMatch(/status\s+FAILED/);
    expect(stdout).toMatch(/error\s+\S+/);
  });

  it('exits 3 when the wait times out', async () => {
    const created = await cli(['--json', 'create', '--dataset', 'ds']);
    const id = String((JSON.parse(created.stdout) as { id: number }).id);
    const { code, stderr } = await cli(['wait', id, '--timeout', '1ms', ...FAST]);
    expect(code).toBe(ExitCode.WaitTimeout);
    // In the unit the user typed, with how to go on.
    expect(stderr).toContain(`WaitTimeoutError: Export job ${id} did not finish: timed out after 1ms (`);
    expect(stderr).toContain(`it goes on running; wait again with: aep-export-jobs wait ${id}`);
  });

  it('exits 4 on an API error, with its message', async () => {
    const { code, stderr } = await cli(['get', '999999']);
    expect(code).toBe(ExitCode.ApiError);
    expect(stderr).toMatch(/^NotFoundError: GET \/export\/jobs\/999999 -> 404/);
  });

  it('exits 4 on a bad token without printing it', async () => {
    const guarded = new ExportJobsSimulator({ credentials: { accessToken: 'the-only-good-token' } });
    const guardedServer = await startSimulatorServer(guarded);
    try {
      const { code, stderr } = await cli(['list'], { env: { AEP_BASE_URL: guardedServer.baseUrl } });
      expect(code).toBe(ExitCode.ApiError);
      expect(stderr).toContain('401');
      expect(stderr).not.toContain('cli-token-123456');
    } finally {
      await guardedServer.close();
    }
  });

  it('exits 130 when interrupted, cancelling the job first with --cancel-on-interrupt', async () => {
    const created = await cli(['--json', 'create', '--dataset', 'ds']);
    const id = (JSON.parse(created.stdout) as { id: number }).id;
    const controller = new AbortController();
    const waiting = cli(['wait', String(id), '--cancel-on-interrupt', '--min-delay', '50ms', '--max-delay', '50ms'], {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('Interrupted')), 20);
    const { code, stderr } = await waiting;
    expect(code).toBe(ExitCode.Interrupted);
    expect(stderr).toContain(`Cancel requested for job ${id}`);
    expect(
      simulator.requests.some((request) => request.method === 'DELETE' && request.path === `/export/jobs/${id}`),
    ).toBe(true);
  });

  it('lists jobs as a table, newest first, and every page with --all --json', async () => {
    for (const dataset of ['ds-a', 'ds-b', 'ds-c']) await cli(['create', '--dataset', dataset]);
    const table = await cli(['list']);
    expect(table.code).toBe(ExitCode.Success);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/ID\s+STATUS\s+CREATED\s+DATASET/);
    expect(lines.slice(1).map((line) => /ds-\w/.exec(line)?.[0])).toEqual(['ds-c', 'ds-b', 'ds-a']);
    const all = await cli(['--json', 'list', '--all', '--limit', '1']);
    expect(
      (JSON.parse(all.stdout) as Array<{ destination: { datasetId: string } }>).map((job) => job.destination.datasetId),
    ).toEqual(['ds-c', 'ds-b', 'ds-a']);
    expect(simulator.requests.filter((request) => request.method === 'GET')).toHaveLength(1 + 3);
  });

  it('gets one job and cancels it', async () => {
    const created = await cli(['--json', 'create', '--dataset', 'ds']);
    const id = String((JSON.parse(created.stdout) as { id: number }).id);
    expect((await cli(['get', id])).stdout).toMatch(new RegExp(`^id\\s+${id}\\n`));
    const cancelled = await cli(['cancel', id]);
    expect(cancelled).toMatchObject({ code: 0, stdout: `Job ${id}: Export job has been marked for cancelling\n` });
  });

  it(
    'runs the demo end to end on its own simulator, down to the first exported profiles',
    { timeout: 60_000 },
    async () => {
      const { code, stdout } = await cli(['--json', '--quiet', 'demo']);
      expect(code).toBe(ExitCode.Success);
      const result = JSON.parse(stdout) as {
        job: { status: string; id: number };
        jobs: Array<{ id: number }>;
        profiles: Array<{ identities?: unknown; personalEmail?: { address?: string } }>;
      };
      expect(result.job.status).toBe('SUCCEEDED');
      expect(result.jobs.map((job) => job.id)).toContain(result.job.id);
      // The way ends at the audience: the first profiles, shaped like the job's fields.
      expect(result.profiles).toHaveLength(3);
      expect(result.profiles[0]).toMatchObject({ personalEmail: { address: expect.stringContaining('@') } });
    },
  );
});
