import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const checkDocs = join(repo, 'scripts', 'check-docs.mjs');

/** Runs scripts/check-docs.mjs on this Node; never throws, gives the exit code and the output. */
async function runCheckDocs(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [checkDocs, ...args], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof code === 'number' ? code : -1, output: `${stdout}${stderr}${code === undefined ? String(error) : ''}` };
  }
}

/** The body of the README section whose heading matches, up to the next heading of the same level or above. */
function section(markdown: string, heading: RegExp): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,3} /.test(line) && heading.test(line));
  if (start === -1) return '';
  const level = /^#+/.exec(lines[start]!)![0].length;
  const end = lines.findIndex((line, index) => index > start && new RegExp(`^#{1,${level}} `).test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

it('every TypeScript block in the README and docs compiles', { timeout: 120_000 }, async () => {
  const { code, output } = await runCheckDocs();
  expect(code, output).toBe(0);
  expect(output).toMatch(/check-docs: \d+ TypeScript blocks from \d+ files compile/);
});

it('the docs check reports a broken block with its file and line', { timeout: 120_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'aep-export-jobs-docs-test-'));
  try {
    await mkdir(join(root, 'docs'));
    await writeFile(join(root, 'README.md'), "# Broken\n\n```ts\nimport { ExportJobsClient } from 'aep-export-jobs';\n\nconst id: string = ExportJobsClient;\n```\n");
    await writeFile(join(root, 'docs', 'fine.md'), "```ts\nimport { DEFAULT_TIMEOUT } from 'aep-export-jobs';\n\nconst ms: number = DEFAULT_TIMEOUT;\n```\n");
    const { code, output } = await runCheckDocs('--docs-root', root);
    expect(code, output).toBe(1);
    expect(output).toMatch(/^README\.md:6:7 \(block 1, readme-01\.ts\): error TS2322/m);
    expect(output).not.toContain('docs/fine.md:');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

it('the README gives the two set-up commands', async () => {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const development = section(readme, /development|set-?up/i);
  expect(development, 'README.md has no Development section').not.toBe('');
  const commands = [...development.matchAll(/^```(?:bash|sh|shell|console)?\n([\s\S]*?)^```/gm)].flatMap((block) =>
    block[1]!
      .split('\n')
      .map((line) => line.replace(/^\$\s*/, '').trim())
      .filter(Boolean),
  );
  expect(commands).toContain('npm install');
  expect(commands).toContain('npm test');
  expect(commands.indexOf('npm install')).toBeLessThan(commands.indexOf('npm test'));
});
