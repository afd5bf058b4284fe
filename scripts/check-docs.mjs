// Type-checks every ```ts block of README.md and docs/*.md against the SDK's source.
//
// Each block is written to a temporary directory as a file of its own (named after its document
// and its index there), with a package.json of `"type": "module"` and a generated tsconfig whose
// `paths` map the package's public entry points to their sources, so the snippets are checked
// without a build: `aep-export-jobs` is src/index.ts, `aep-export-jobs/testing` src/testing/index.ts
// and `aep-export-jobs/testing/msw` src/testing/msw.ts, read from package.json's `exports` (a
// subpath the package does not export fails to resolve, as it would for a user). The directory
// links to the repository's node_modules, so blocks may import the dev dependencies too (msw,
// vitest) as a user's tests would.
// The repository's TypeScript runs on this Node (`process.execPath`), in the temporary directory.
// tsc names files relative to the directory it runs in, so each name is resolved against that
// same directory (both real paths, with symlinks such as macOS's /var resolved) and printed as
// the Markdown file and line it comes from, or as a path relative to the repository: the output
// is the same wherever the repository is cloned and whatever TMPDIR is. The exit code is 1 when
// any block fails.
//
// Fences must name a language: ```ts for TypeScript (checked), or one of OTHER_LANGUAGES
// (```text, ```bash...). ```typescript, ```js and untagged fences are refused, so that no
// TypeScript goes unchecked by being spelt differently.
//
// Usage: node scripts/check-docs.mjs [--keep] [--docs-root <dir>]
//   --keep       keep the temporary directory and print where it is
//   --docs-root  read README.md and docs/ from <dir> instead of the repository (for the checker's own test)
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = realpathSync(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const OTHER_LANGUAGES = new Set(['text', 'bash', 'sh', 'shell', 'console', 'json', 'jsonc', 'diff', 'yaml', 'ini']);
const REFUSED_LANGUAGES = new Set(['typescript', 'tsx', 'js', 'javascript', 'jsx', 'mjs', 'cjs', 'mts', 'cts']);

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const rootAt = args.indexOf('--docs-root');
const docsRoot = rootAt === -1 ? repo : resolve(args[rootAt + 1] ?? '.');

/** README.md and docs/*.md under the root, as paths relative to it. */
function documents(root) {
  const found = existsSync(join(root, 'README.md')) ? ['README.md'] : [];
  const docsDir = join(root, 'docs');
  if (existsSync(docsDir)) {
    for (const name of readdirSync(docsDir).sort()) if (name.endsWith('.md')) found.push(`docs/${name}`);
  }
  return found;
}

/** The fenced code blocks of a Markdown text: language, first content line (1-based) and content. */
function fencedBlocks(text) {
  const lines = text.split(/\r?\n/);
  const blocks = [];
  let open;
  lines.forEach((line, index) => {
    if (!open) {
      const match = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
      if (match)
        open = {
          indent: match[1].length,
          fence: match[2],
          language: match[3].toLowerCase(),
          openLine: index + 1,
          lines: [],
        };
      return;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (close && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
      blocks.push({
        language: open.language,
        openLine: open.openLine,
        firstLine: open.openLine + 1,
        content: open.lines.join('\n'),
      });
      open = undefined;
      return;
    }
    open.lines.push(open.indent ? line.replace(new RegExp(`^ {0,${open.indent}}`), '') : line);
  });
  if (open)
    blocks.push({
      language: open.language,
      openLine: open.openLine,
      firstLine: open.openLine + 1,
      content: open.lines.join('\n'),
      unclosed: true,
    });
  return blocks;
}

const problems = [];
const snippets = [];
const docs = documents(docsRoot);
for (const doc of docs) {
  const slug = doc
    .replace(/\.md$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .toLowerCase();
  let index = 0;
  for (const block of fencedBlocks(readFileSync(join(docsRoot, doc), 'utf8'))) {
    const where = `${doc}:${block.openLine}`;
    if (block.unclosed) problems.push(`${where}: the code fence is never closed`);
    if (block.language === '')
      problems.push(
        `${where}: the code fence names no language (use \`\`\`ts, or \`\`\`text / \`\`\`bash for what is not TypeScript)`,
      );
    else if (REFUSED_LANGUAGES.has(block.language))
      problems.push(`${where}: \`\`\`${block.language} is not checked; write TypeScript as a \`\`\`ts block`);
    else if (block.language !== 'ts' && !OTHER_LANGUAGES.has(block.language))
      problems.push(`${where}: unknown fence language \`\`\`${block.language}`);
    if (block.language !== 'ts') continue;
    index++;
    snippets.push({
      doc,
      file: `${slug}-${String(index).padStart(2, '0')}.ts`,
      firstLine: block.firstLine,
      index,
      content: block.content,
    });
  }
}

for (const problem of problems) console.error(problem);
if (snippets.length === 0) {
  console.error(`check-docs: no \`\`\`ts block found in ${docs.join(', ') || `${docsRoot} (no README.md, no docs/)`}`);
  process.exit(1);
}

// A real path: tsc runs with it as its working directory, and a process's working directory is
// always a real path, so the names tsc prints are relative to this one.
const workDir = realpathSync(mkdtempSync(join(tmpdir(), 'aep-export-jobs-docs-')));
let status = 1;
try {
  for (const snippet of snippets) {
    // `export {}` makes every block a module (top-level await, no shared globals); it goes last so lines keep their numbers.
    writeFileSync(join(workDir, snippet.file), `${snippet.content}\nexport {};\n`);
  }
  // The dev dependencies (msw, vitest...) resolve through a link to the repository's node_modules.
  symlinkSync(join(repo, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  writeFileSync(
    join(workDir, 'package.json'),
    `${JSON.stringify({ name: 'docs-snippets', private: true, type: 'module' }, null, 2)}\n`,
  );
  const tsconfig = {
    compilerOptions: {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'ES2023',
      types: ['node'],
      typeRoots: [join(repo, 'node_modules', '@types')],
      skipLibCheck: true,
      noEmit: true,
      paths: entryPointPaths(),
    },
    files: snippets.map((snippet) => snippet.file),
  };
  writeFileSync(join(workDir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);

  // tsc runs in workDir, so the names in its diagnostics are relative to workDir, which located() resolves them against.
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
    cwd: workDir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.status === 0) {
    status = problems.length ? 1 : 0;
    console.log(`check-docs: ${snippets.length} TypeScript blocks from ${docs.length} files compile`);
  } else {
    console.error(
      output
        .split('\n')
        .map((line) => located(line, workDir))
        .join('\n'),
    );
    console.error(`check-docs: tsc failed (exit code ${result.status}) on the TypeScript blocks of ${docs.join(', ')}`);
  }
} finally {
  if (keep) console.log(`check-docs: the blocks are in ${workDir}`);
  else {
    // Unlink the node_modules link first, so that removing the directory can never reach into the repository's.
    rmLink(join(workDir, 'node_modules'));
    rmSync(workDir, { recursive: true, force: true });
  }
}
process.exit(status);

/**
 * `paths` for the package's public entry points, from package.json's `exports`: each subpath's
 * `types` file under dist/ maps to its source under src/ (`./dist/testing/msw.d.ts` is
 * src/testing/msw.ts). Only exported subpaths are mapped, so a block importing an internal module
 * (`aep-export-jobs/client`) fails, as it would for a user.
 */
function entryPointPaths() {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const paths = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const types = typeof target === 'object' && target !== null ? target.types : undefined;
    if (typeof types !== 'string' || !/^\.\/dist\/.*\.d\.ts$/.test(types)) continue;
    const source = join(repo, 'src', types.slice('./dist/'.length, -'.d.ts'.length) + '.ts');
    if (!existsSync(source))
      throw new Error(
        `check-docs: package.json exports ${subpath} with types ${types}, but ${relative(repo, source)} does not exist`,
      );
    paths[subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`] = [source];
  }
  return paths;
}

function rmLink(path) {
  try {
    unlinkSync(path);
  } catch (error) {
    if (error?.code !== 'ENOENT') throw error;
  }
}

/**
 * A tsc diagnostic line with the snippet file replaced by the Markdown file and line it came from,
 * or a file of the repository by its path relative to the repository. `dir` must be the directory
 * tsc ran in: tsc prints names relative to its working directory.
 */
function located(line, dir) {
  const match = /^(.*?)\((\d+),(\d+)\): (.*)$/.exec(line);
  if (!match) return line;
  const [, file, row, column, message] = match;
  const name = resolve(dir, file);
  const snippet = snippets.find((candidate) => join(dir, candidate.file) === name);
  if (snippet)
    return `${snippet.doc}:${snippet.firstLine + Number(row) - 1}:${column} (block ${snippet.index}, ${snippet.file}): ${message}`;
  const inRepo = name.startsWith(`${repo}${sep}`) ? relative(repo, name) : file;
  return `${inRepo}:${row}:${column}: ${message}`;
}
