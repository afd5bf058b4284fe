// Benchmark 9: start-up of the built command-line tool (dist/cli/index.js), as the difference from a
// bare `node -e ""` measured in the same run: CPU time (user + system, read with bash's `times`,
// which stays meaningful on a loaded machine) and wall-clock time. `--help` must not load the SDK (zod, ky...) nor any
// command's code; `get` loads one command and the SDK, and reads one job from the embedded
// simulator on loopback (served from this process, so every child is spawned asynchronously).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ExportJobsClient } from '../dist/index.js';
import { ExportJobsSimulator, startSimulatorServer } from '../dist/testing/index.js';
import { clientOptions, median, ms, report } from './lib.ts';

const RUNS = Number(process.env.RUNS ?? 15);
const HELP_GOAL_MS = 60;
const GET_GOAL_MS = 150;
// CLI=<path> measures another build of the command (an earlier commit's, bundled the same way).
const cli = process.env.CLI ?? fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));

const simulator = new ExportJobsSimulator();
const server = await startSimulatorServer(simulator);
const { id } = await new ExportJobsClient(clientOptions(server.baseUrl)).createExportJob({
  destination: { datasetId: 'bench-dataset' },
  schema: { name: '_xdm.context.profile' },
  filter: { segments: [{ segmentId: 'bench-segment' }] },
});

const env: Record<string, string | undefined> = {
  ...process.env,
  AEP_ACCESS_TOKEN: 'bench-token',
  AEP_API_KEY: 'bench',
  AEP_ORG_ID: 'org@AdobeOrg',
  AEP_SANDBOX_NAME: 'prod',
  AEP_BASE_URL: server.baseUrl,
  NO_COLOR: '1',
};
// The CLI enables Node's compile cache itself (src/cli/index.ts); the variants marked "no compile
// cache" turn it off to show a first run. Preloaded modules would measure something else.
delete env.NODE_COMPILE_CACHE;
delete env.NODE_DISABLE_COMPILE_CACHE;
delete env.NODE_OPTIONS;
delete env.DEBUG;

const variants: Array<{ name: string; args: string[]; env?: Record<string, string> }> = [
  { name: 'node -e ""', args: ['-e', ''] },
  { name: 'aep-export-jobs --help', args: [cli, '--help'] },
  { name: 'aep-export-jobs --version', args: [cli, '--version'] },
  { name: 'aep-export-jobs get <id> --help', args: [cli, 'get', '--help'] },
  { name: 'aep-export-jobs get <id> (loopback)', args: [cli, 'get', String(id)] },
  { name: 'aep-export-jobs --json get <id> (loopback)', args: [cli, '--json', 'get', String(id)] },
  {
    name: '  get <id>, no compile cache (a first run)',
    args: [cli, 'get', String(id)],
    env: { NODE_DISABLE_COMPILE_CACHE: '1' },
  },
  { name: '  --help, no compile cache (a first run)', args: [cli, '--help'], env: { NODE_DISABLE_COMPILE_CACHE: '1' } },
];

// bash runs the command, then `times` prints the CPU time of its children: "0m0.041s 0m0.015s".
const TIMED = '"$@" > /dev/null; code=$?; times; exit $code';

async function spawnOnce(args: string[], extra: Record<string, string> = {}): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const child = spawn('bash', ['-c', TIMED, 'bash', process.execPath, ...args], {
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  const wall = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`);
  const children =
    stdout
      .trim()
      .split('\n')
      .at(-1)!
      .match(/(\d+)m([\d.]+)s/g) ?? [];
  const cpu = children.reduce((sum, time) => {
    const [, minutes, seconds] = /(\d+)m([\d.]+)s/.exec(time)!;
    return sum + (Number(minutes) * 60 + Number(seconds)) * 1000;
  }, 0);
  return { wall, cpu };
}

try {
  for (const variant of variants) await spawnOnce(variant.args, variant.env); // warm the file system cache
  const wall: number[][] = variants.map(() => []);
  const cpu: number[][] = variants.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (run + k) % variants.length;
      const sample = await spawnOnce(variants[index]!.args, variants[index]!.env);
      wall[index]!.push(sample.wall);
      cpu[index]!.push(sample.cpu);
    }
  }
  const added = (samples: number[][], index: number) => median(samples[index]!) - median(samples[0]!);
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)} ms`;
  report({
    id: 'cli-startup',
    title: '9. CLI start-up',
    method:
      `Each variant a fresh \`node dist/cli/index.js …\` process (Node ${process.versions.node}, no compile cache), ` +
      `${RUNS} interleaved runs each, medians of CPU time (user + system, from bash's \`times\`) and of ` +
      'wall-clock time; `get` reads one job from the simulator on loopback. The goals are on the CPU time added to a ' +
      'bare `node -e ""` in the same run (wall-clock time follows the load of the machine).',
    head: ['command', 'CPU median', 'CPU added', 'wall median', 'wall added'],
    rows: variants.map((variant, index) => [
      variant.name,
      ms(median(cpu[index]!)),
      index === 0 ? '' : signed(added(cpu, index)),
      ms(median(wall[index]!)),
      index === 0 ? '' : signed(added(wall, index)),
    ]),
    figures: [
      {
        name: '--help, CPU added',
        value: signed(added(cpu, 1)),
        goal: `<= +${HELP_GOAL_MS} ms`,
        pass: added(cpu, 1) <= HELP_GOAL_MS,
      },
      {
        name: 'get <id> on loopback, CPU added',
        value: signed(added(cpu, 4)),
        goal: `<= +${GET_GOAL_MS} ms`,
        pass: added(cpu, 4) <= GET_GOAL_MS,
      },
      { name: '--help, wall added', value: signed(added(wall, 1)) },
      { name: 'get <id> on loopback, wall added', value: signed(added(wall, 4)) },
    ],
    notes: [],
  });
} finally {
  await server.close();
}
