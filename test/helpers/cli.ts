/**
 * The CLI driven in-process through runCli, as the CLI suites share it: fake streams (whose
 * `isTTY` and `columns` say what a terminal would) and a simulator on a loopback port, reset
 * before each test.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { CliIo } from '../../src/cli/io.js';
import {
  ExportJobsSimulator,
  startSimulatorServer,
  type ExportJobsSimulatorOptions,
  type SimulatorServer,
} from '../../src/testing/index.js';

export interface CliRunOptions {
  env?: Record<string, string | undefined>;
  /** stdout is a terminal of this many columns. */
  columns?: number;
  /** stderr is a terminal. */
  tty?: boolean;
  signal?: AbortSignal;
  /** What `--file` reads, by path; any other path is missing. */
  files?: Record<string, string>;
}

/**
 * A simulator whose clock moves 1 s on every read (jobs finish after a few polls, with no real
 * waiting), served on loopback for the file's tests, and `cli(args)` to run a command against it.
 */
export function useCliSimulator(options: ExportJobsSimulatorOptions = {}) {
  let fakeNow = Date.UTC(2026, 0, 1);
  const simulator = new ExportJobsSimulator({
    clock: () => (fakeNow += 1_000),
    durations: { new: 2_000, processing: 6_000 },
    ...options,
  });
  let server: SimulatorServer;
  beforeAll(async () => {
    server = await startSimulatorServer(simulator);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    simulator.reset();
    simulator.clearFaults();
  });

  async function cli(args: string[], run: CliRunOptions = {}) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (text: string) => (stdout += text), isTTY: run.columns !== undefined, columns: run.columns },
      stderr: { write: (text: string) => (stderr += text), isTTY: run.tty ?? false },
      env: {
        AEP_ACCESS_TOKEN: 'cli-token-123456',
        AEP_API_KEY: 'cli-key',
        AEP_ORG_ID: 'CLI@AdobeOrg',
        AEP_SANDBOX_NAME: 'dev',
        AEP_BASE_URL: server.baseUrl,
        ...run.env,
      },
      signal: run.signal,
      readFile: (path) => {
        const file = run.files?.[path];
        return file === undefined
          ? Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' }))
          : Promise.resolve(file);
      },
    };
    const code = await runCli(args, io);
    return { code, stdout, stderr };
  }

  return { simulator, server: () => server, cli };
}
