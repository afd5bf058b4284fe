import { execFile } from 'node:child_process';
import {
  appendFile,
  copyFile,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const repo = resolve(import.meta.dirname, '..');
const checkDocs = join(repo, 'scripts', 'check-docs.mjs');

/** Runs scripts/check-docs.mjs on this Node; never throws, gives the exit code and the output. */
async function runCheckDocs(...args: string[]): Promise<{ code: number; output: string }> {
  return runCheckDocsWith({}, ...args);
}

/**
 * Runs a copy of the docs check (`script`, by default the repository's) from `cwd` (by default the
 * repository) with `tmp` as the temporary folder (TMPDIR, and TMP/TEMP for Windows).
 */
async function runCheckDocsWith(
  { script = checkDocs, cwd = repo, tmp }: { script?: string; cwd?: string; tmp?: string },
  ...args: string[]
): Promise<{ code: number; output: string }> {
  const env = tmp === undefined ? process.env : { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp };
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [script, ...args], {
      cwd,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof code === 'number' ? code : -1,
      output: `${stdout}${stderr}${code === undefined ? String(error) : ''}`,
    };
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
    await writeFile(
      join(root, 'README.md'),
      "# Broken\n\n```ts\nimport { ExportJobsClient } from 'aep-export-jobs';\n\nconst id: string = ExportJobsClient;\n```\n",
    );
    await writeFile(
      join(root, 'docs', 'fine.md'),
      "```ts\nimport { DEFAULT_TIMEOUT } from 'aep-export-jobs';\n\nconst ms: number = DEFAULT_TIMEOUT;\n```\n",
    );
    const { code, output } = await runCheckDocs('--docs-root', root);
    expect(code, output).toBe(1);
    expect(output).toMatch(/^README\.md:6:7 \(block 1, readme-01\.ts\): error TS2322/m);
    expect(output).not.toContain('docs/fine.md:');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

it(
  "the docs check maps the package's public entry points to their sources, and only those",
  { timeout: 120_000 },
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'aep-export-jobs-docs-test-'));
    try {
      await mkdir(join(root, 'docs'));
      await writeFile(
        join(root, 'README.md'),
        [
          '```ts',
          "import { ExportJobsClient } from 'aep-export-jobs';",
          "import { ExportJobsSimulator } from 'aep-export-jobs/testing';",
          "import { simulatorHandlers } from 'aep-export-jobs/testing/msw';",
          "import { setupServer } from 'msw/node';",
          '',
          "const simulator = new ExportJobsSimulator({ clock: 'manual' });",
          'setupServer(...simulatorHandlers(simulator));',
          "new ExportJobsClient({ accessToken: 't', apiKey: 'k', orgId: 'O@AdobeOrg', sandboxName: 's', fetch: simulator.fetch });",
          '```',
          '',
        ].join('\n'),
      );
      await writeFile(
        join(root, 'docs', 'internal.md'),
        "```ts\nimport { ExportJobsClient } from 'aep-export-jobs/client';\n```\n",
      );
      const { code, output } = await runCheckDocs('--docs-root', root);
      expect(code, output).toBe(1);
      expect(output).toMatch(
        /^docs\/internal\.md:2:\d+ \(block 1, docs-internal-01\.ts\): error TS2307: Cannot find module 'aep-export-jobs\/client'/m,
      );
      expect(output).not.toContain('README.md:');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
);

it(
  'the docs check names the Markdown file and line wherever the repository is cloned and whatever TMPDIR is',
  { timeout: 120_000 },
  async () => {
    // tsc names files relative to the folder it runs in. The check once resolved those names against
    // its temporary folder instead, which was right only when the repository and TMPDIR sat at the
    // same depth: on most clones `npm test` failed. Here a copy of the repository, the folder the check
    // runs from, TMPDIR and the folder TMPDIR links to are all at different depths from one another.
    const base = await realpath(await mkdtemp(join(tmpdir(), 'aep-export-jobs-docs-where-')));
    try {
      const docsRoot = join(base, 'docs-root');
      await mkdir(docsRoot);
      await writeFile(
        join(docsRoot, 'README.md'),
        "# Broken\n\n```ts\nimport { ExportJobsClient } from 'aep-export-jobs';\n\nconst id: string = ExportJobsClient;\n```\n",
      );

      // A copy of the repository further down: the check, package.json and src/, with node_modules
      // linked. Its src/index.ts gets a type error, which must be named relative to the copy.
      const copy = join(base, 'one', 'two', 'three', 'four', 'repo');
      await mkdir(join(copy, 'scripts'), { recursive: true });
      await copyFile(checkDocs, join(copy, 'scripts', 'check-docs.mjs'));
      await copyFile(join(repo, 'package.json'), join(copy, 'package.json'));
      await cp(join(repo, 'src'), join(copy, 'src'), { recursive: true });
      await symlink(join(repo, 'node_modules'), join(copy, 'node_modules'), 'dir');
      const brokenLine = (await readFile(join(copy, 'src', 'index.ts'), 'utf8')).split('\n').length + 1;
      await appendFile(join(copy, 'src', 'index.ts'), "\nexport const brokenOnPurpose: number = 'not a number';\n");

      // TMPDIR is a link (as /tmp is on macOS) to a folder deeper still.
      const realTmp = join(base, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'tmp');
      await mkdir(realTmp, { recursive: true });
      await symlink(realTmp, join(base, 'tmp-link'), 'dir');

      const { code, output } = await runCheckDocsWith(
        { script: join(copy, 'scripts', 'check-docs.mjs'), cwd: dirname(base), tmp: join(base, 'tmp-link') },
        '--keep',
        '--docs-root',
        docsRoot,
      );
      expect(code, output).toBe(1);
      // --keep prints where the blocks were written: under the TMPDIR given, so that TMPDIR was used.
      expect(output).toContain(`check-docs: the blocks are in ${join(realTmp, 'aep-export-jobs-docs-')}`);
      expect(output).toMatch(/^README\.md:6:7 \(block 1, readme-01\.ts\): error TS2322/m);
      expect(output).toMatch(new RegExp(`^src/index\\.ts:${brokenLine}:14: error TS2322`, 'm'));
      // Every diagnostic names a Markdown file or a file of the repository, never a path out of it.
      expect(
        output
          .split('\n')
          .filter((line) => /error TS\d+/.test(line) && !/^(README\.md|docs\/[^/]+\.md|src\/)\S*:\d+:\d+/.test(line)),
        output,
      ).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  },
);

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
  // Two commands: the first installs and runs the demo on the simulator, the second the tests.
  expect(commands).toEqual(['npm install && npm run demo', 'npm test']);
});

it('npm in the repository hides its warnings but never its errors, and the README says how to see the warnings', async () => {
  // The .npmrc quiets the EBADENGINE warnings an older system Node gives for the dev tools. `silent`
  // would also hide a failed install's `npm error` lines, and `force` would skip the checks themselves.
  const settings = Object.fromEntries(
    (await readFile(join(repo, '.npmrc'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !/^[#;]/.test(line))
      .map((line) => line.split('=').map((part) => part.trim()) as [string, string]),
  );
  expect(settings).toEqual({ loglevel: 'error' });
  const development = section(await readFile(join(repo, 'README.md'), 'utf8'), /development|set-?up/i);
  expect(development).toContain('`loglevel=error`');
  expect(development).toContain('`--loglevel=warn`');
});

/** Markdown text with its fenced code blocks blanked out (links and headings in code do not count). */
function prose(markdown: string): string {
  return markdown.replace(/^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?^ {0,3}\2[^\S\n]*$/gm, '');
}

/** GitHub's anchor for each heading of a Markdown text. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = text!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

it("every relative link in the README, the docs, the examples' README and the CHANGELOG leads somewhere", async () => {
  const documents = [
    'README.md',
    'CHANGELOG.md',
    'examples/README.md',
    ...(await readdir(join(repo, 'docs'))).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
  ];
  const broken: string[] = [];
  for (const document of documents) {
    const text = await readFile(join(repo, document), 'utf8');
    for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto:
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const file = path === '' ? join(repo, document) : resolve(repo, dirname(document), path);
      let targetText: string | undefined;
      try {
        targetText = (await stat(file)).isDirectory() ? undefined : await readFile(file, 'utf8');
      } catch {
        broken.push(`${document}: ${target} (no such file)`);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchors(targetText ?? '').has(anchor))
        broken.push(`${document}: ${target} (no such heading)`);
    }
  }
  expect(broken).toEqual([]);
});

it('the docs index links every page of docs/', async () => {
  const index = await readFile(join(repo, 'docs', 'index.md'), 'utf8');
  const pages = (await readdir(join(repo, 'docs'))).filter((name) => name.endsWith('.md') && name !== 'index.md');
  expect(pages.filter((page) => !index.includes(`](${page})`))).toEqual([]);
});
