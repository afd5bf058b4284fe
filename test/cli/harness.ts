// Runs the CLI as users do: built (esbuild, into node_modules/.cache so that its imports resolve
// like dist/'s), in a child process, optionally inside a pseudo-terminal made by util-linux `script`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles src/cli/index.ts (with the SDK; packages stay external) and returns its path. */
export async function buildCli(): Promise<string> {
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const outdir = mkdtempSync(join(root, 'node_modules/.cache/cli-test-'));
  await build({
    entryPoints: { index: join(root, 'src/cli/index.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    outdir,
    logLevel: 'silent',
  });
  return join(outdir, 'index.js');
}

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches, rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exit: Promise<number | null>;
}

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * The CLI in a pseudo-terminal of `columns` columns: stdout and stderr are that terminal (merged
 * in `output()`), and writing `\x03` to stdin is a real Ctrl-C (the terminal's line discipline
 * sends SIGINT to the foreground process group, as when a user types it).
 */
export function spawnInPty(cli: string, args: string[], env: Record<string, string>, columns = 80): Spawned {
  const command = `stty cols ${columns} rows 24 2>/dev/null; exec ${[process.execPath, cli, ...args].map(shellQuote).join(' ')}`;
  return track(
    spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, ...env, COLUMNS: String(columns), TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
}

/** The CLI with plain pipes. */
export function spawnPiped(cli: string, args: string[], env: Record<string, string>): Spawned {
  return track(
    spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

function track(child: ChildProcess): Spawned {
  let output = '';
  const listeners = new Set<() => void>();
  const add = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exit,
    waitFor: (pattern, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(output);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} within ${ms} ms; output so far:\n${output}`));
        }, ms);
        listeners.add(check);
        check();
      }),
  };
}
