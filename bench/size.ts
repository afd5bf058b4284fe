// Benchmark 6: what installing the package costs. The packed tarball (`npm pack --dry-run --json`,
// scripts ignored: the bench has just built dist/), and the on-disk size of the runtime
// dependencies: every package reachable from package.json `dependencies` (and the optional
// dependencies that are installed), resolved the way Node does from node_modules, each directory
// counted once. Sizes are the files' byte sizes (apparent size, not disk blocks).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytes, report } from './lib.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};

// npm_execpath is set when run through an npm script; otherwise `npm` from the PATH.
const npm = process.env.npm_execpath;
const packArgs = ['pack', '--dry-run', '--json', '--ignore-scripts'];
/** `npm pack --json` prints one entry per package packed: this one's, with the fields read here. */
interface PackResult {
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: Array<{ path: string; size: number }>;
}
const packed = (
  JSON.parse(
    npm
      ? execFileSync(process.execPath, [npm, ...packArgs], {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        })
      : execFileSync('npm', packArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as [PackResult]
)[0];

/** Total byte size and file count of a directory, not descending into its own node_modules. */
function directorySize(dir: string): { size: number; files: number } {
  let size = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = directorySize(path);
      size += inner.size;
      files += inner.files;
    } else if (entry.isFile()) {
      size += statSync(path).size;
      files++;
    }
  }
  return { size, files };
}

/** Where Node would find `name` from a package at `from`: the nearest node_modules up the tree. */
function resolvePackageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

interface Installed {
  name: string;
  version: string;
  size: number;
  files: number;
  via: string;
}

/** Every installed package directory reachable from `names` (resolved from the root), with who pulled it in. */
function closure(names: string[]): Map<string, Installed> {
  const seen = new Map<string, Installed>();
  const queue = names.map((name) => ({ name, from: root, via: '(direct)' }));
  while (queue.length) {
    const { name, from, via } = queue.shift()!;
    const dir = resolvePackageDir(name, from);
    if (!dir || seen.has(dir)) continue; // not installed (an optional dependency), or counted already
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    seen.set(dir, { name, version: pkg.version, via, ...directorySize(dir) });
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }))
      queue.push({ name: dep, from: dir, via: name });
  }
  return seen;
}

const direct = Object.keys(manifest.dependencies ?? {});
const all = closure(direct);
const installed = [...all.values()].sort((a, b) => b.size - a.size);
const sum = (items: Iterable<Installed>) => [...items].reduce((total, item) => total + item.size, 0);
const total = sum(installed);
const files = installed.reduce((count, item) => count + item.files, 0);
const sourceMaps = packed.files
  .filter((file) => file.path.endsWith('.map'))
  .reduce((size, file) => size + file.size, 0);
// What only the command-line tool needs: everything not reachable from the library's own imports.
const CLI_ONLY = ['commander', 'cli-progress', 'yoctocolors'].filter((name) => direct.includes(name));
const library = closure(direct.filter((name) => !CLI_ONLY.includes(name)));
const cliSize = total - sum(library.values());

report({
  id: 'size',
  title: '6. Package and install size',
  method:
    '`npm pack --dry-run --json --ignore-scripts` on the built package; the runtime dependencies walked from package.json `dependencies` through node_modules as Node resolves them, summing file sizes per package directory.',
  head: ['item', 'version', 'via', 'files', 'size'],
  rows: [
    ['packed tarball (size)', '', '', String(packed.entryCount), bytes(packed.size)],
    ['packed tarball (unpacked)', '', '', String(packed.entryCount), bytes(packed.unpackedSize)],
    [
      '  of which source maps',
      '',
      '',
      String(packed.files.filter((file) => file.path.endsWith('.map')).length),
      bytes(sourceMaps),
    ],
    ...installed.map((item) => [item.name, item.version, item.via, String(item.files), bytes(item.size)]),
    [`runtime dependencies, total (${installed.length} packages)`, '', '', String(files), bytes(total)],
  ],
  figures: [
    { name: 'packed size', value: bytes(packed.size) },
    { name: 'unpacked size', value: `${bytes(packed.unpackedSize)}, ${packed.entryCount} files` },
    { name: 'runtime dependencies installed', value: `${bytes(total)}, ${installed.length} packages, ${files} files` },
  ],
  notes: [
    `Dependencies only the CLI uses (${CLI_ONLY.join(', ')} and what only they pull in) are ${bytes(cliSize)} of that (${all.size - library.size} packages), installed for library users too.`,
  ],
});
