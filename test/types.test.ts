import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const project = join(repo, 'test', 'types', 'tsconfig.json');

// test/types/consumer.ts reads and builds every model the SDK exposes. Each misspelt property, wrong
// input type or unknown input key in it carries `@ts-expect-error`, so if a model's type widened
// again (an index signature from a loose zod object reads every typo as `unknown`), the directive
// goes unused and this check fails; its `Closed<...>` lines also fail on any index signature.
it('the model types refuse typos and accept correct use (tsc on test/types)', { timeout: 60_000 }, async () => {
  let output: string;
  let code = 0;
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], {
      cwd: repo,
      maxBuffer: 16 * 1024 * 1024,
    });
    output = `${stdout}${stderr}`;
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string };
    code = typeof failure.code === 'number' ? failure.code : -1;
    output = `${failure.stdout ?? ''}${failure.stderr ?? ''}${typeof failure.code === 'number' ? '' : String(error)}`;
  }
  expect(output).toBe('');
  expect(code).toBe(0);
});

it('the consumer file still holds its expected errors', async () => {
  // Guards the guard: the check above is only meaningful while the consumer keeps its typos.
  const source = await readFile(join(repo, 'test', 'types', 'consumer.ts'), 'utf8');
  expect(source.match(/@ts-expect-error/g)?.length ?? 0).toBeGreaterThanOrEqual(40);
  expect(source).toContain('job.creationTme');
  expect(source).toContain('job.destination.datasetID');
  expect(source).toContain('status: 42');
});
