/**
 * The package as users get it: `npm pack` (whose `prepack` runs the build), the tarball installed
 * into a throwaway consumer project, then loaded from ESM, from CommonJS (`require(esm)`) and
 * type-checked from TypeScript. The consumers live in test/consumer/ and are copied to a temp dir.
 * The README's quick start is type-checked too, taken from README.md, in projects made with
 * `npm init -y`: set up as the README's Install section says, and left CommonJS, where it must fail.
 *
 * The pack runs in a staged copy of the repository (its node_modules linked, not copied), so this
 * test never rewrites the working tree's dist/ while other tests or builds may be using it.
 * The install is offline: `npm ci` leaves ky, zod, p-retry and @types/node in npm's cache, and the
 * repository's lockfile tells npm which versions to take from it. Should the cache lack something,
 * it retries with `--prefer-offline`, which may use the npm registry.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);

const repo = resolve(import.meta.dirname, '..');
const consumerSources = join(repo, 'test', 'consumer');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
/** Top-level entries of the repository that are not copied into the staged copy. */
const notStaged = new Set(['node_modules', 'dist', '.git', 'coverage']);
const minutes = 60_000;

interface PackageJson {
  name: string;
  version: string;
}

/** What consumer.mjs and consumer.cjs print. */
interface ConsumerReport {
  configurationError: { name: string; option: string; message: string };
  notFoundIsApiError: boolean;
  notFoundStatus: number;
  job: unknown;
  version: string;
  packageVersion: string;
  sameModule?: Record<string, boolean>;
  importedNotFoundIsRequiredApiError?: boolean;
}

let workDir = '';
let consumerDir = '';
const repoPackage = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as PackageJson;

/** The environment for nested npm and node runs, less what `npm test` set for this repository. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  for (const key of Object.keys(env)) {
    if (
      /^(npm_package_|npm_lifecycle_)/i.test(key) ||
      /^(INIT_CWD|npm_command|npm_config_local_prefix|npm_config_call)$/i.test(key)
    ) {
      delete env[key];
    }
  }
  return env;
}

async function run(file: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(file, args, { cwd, env: childEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 3 * minutes });
  } catch (error) {
    const {
      code,
      signal,
      stdout = '',
      stderr = '',
    } = error as { code?: unknown; signal?: string | null; stdout?: string; stderr?: string };
    const how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
    throw new Error(
      `\`${[file, ...args].join(' ')}\` failed (${how}) in ${cwd}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
      {
        cause: error,
      },
    );
  }
}

/** npm: the one running `npm test` when there is one (on this Node), else `npm` from the PATH. */
function npm(args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  const npmCli = process.env.npm_execpath;
  if (npmCli !== undefined && /npm-cli\.c?js$/.test(npmCli)) return run(process.execPath, [npmCli, ...args], cwd);
  return run('npm', args, cwd);
}

/** Runs a consumer script on this Node (the project's Node >= 22.12) and parses what it printed. */
async function runConsumer(script: string): Promise<ConsumerReport> {
  const { stdout } = await run(process.execPath, [script], consumerDir);
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(lastLine) as ConsumerReport;
}

function typecheck(tsconfig: string, cwd = consumerDir): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [tsc, '-p', tsconfig, '--pretty', 'false', '--noEmit'], cwd);
}

/** The fenced blocks of `lang` in the README section under the `## <heading>` heading. */
async function readmeBlocks(heading: string, lang: string): Promise<string[]> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(new RegExp(`^\`\`\`${lang}\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => match[1] ?? '');
}

/**
 * A project as a user starts one: `npm init -y`, then the README's quick start as index.ts and
 * the README's tsconfig.json. The packed package and @types/node are the consumer's (linked).
 */
async function quickStartProject(name: string): Promise<string> {
  const dir = join(workDir, name);
  await mkdir(dir);
  await npm(['init', '-y'], dir);
  await symlink(join(consumerDir, 'node_modules'), join(dir, 'node_modules'), 'junction');
  const [quickStart] = await readmeBlocks('Quick start', 'ts');
  const [tsconfig] = await readmeBlocks('Install', 'json');
  expect(quickStart, 'the README has no TypeScript block in its Quick start').toBeDefined();
  expect(tsconfig, 'the README has no tsconfig.json block in its Install section').toBeDefined();
  await writeFile(join(dir, 'index.ts'), quickStart!);
  await writeFile(join(dir, 'tsconfig.json'), tsconfig!);
  return dir;
}

const expectedJob = {
  id: 42,
  status: 'NEW',
  destination: {
    datasetId: 'dataset-1',
    segmentPerBatch: true,
    batches: [{ segmentId: 'segment-1', batchId: 'batch-1', status: ['exited'] }],
  },
  creationTime: 1_700_000_000_000,
};

function expectCommonChecks(report: ConsumerReport): void {
  expect(report.configurationError).toMatchObject({ name: 'ConfigurationError', option: 'sandboxName' });
  expect(report.configurationError.message).toContain('sandboxName');
  expect(report.notFoundIsApiError).toBe(true);
  expect(report.notFoundStatus).toBe(404);
  expect(report.job).toEqual(expectedJob);
  expect(report.version).toBe(repoPackage.version);
  expect(report.packageVersion).toBe(repoPackage.version);
}

describe('the packed package', { timeout: 2 * minutes }, () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'aep-export-jobs-package-'));
    const stageDir = join(workDir, 'stage');
    const packDir = join(workDir, 'pack');
    consumerDir = join(workDir, 'consumer');
    await mkdir(packDir);

    await cp(repo, stageDir, {
      recursive: true,
      filter: (source) => {
        const [top = ''] = relative(repo, source).split(sep);
        return !notStaged.has(top) && !source.endsWith('.tgz');
      },
    });
    await symlink(join(repo, 'node_modules'), join(stageDir, 'node_modules'), 'junction');
    await npm(['pack', '--pack-destination', packDir], stageDir);
    const tarballs = (await readdir(packDir)).filter((name) => name.endsWith('.tgz'));
    expect(tarballs).toEqual([`${repoPackage.name}-${repoPackage.version}.tgz`]);

    await cp(consumerSources, consumerDir, { recursive: true });
    // The repository's lockfile seeds the consumer's: npm then takes ky, zod, p-retry and @types/node
    // at the locked versions, by integrity, from the cache `npm ci` filled. Without it an --offline
    // install needs registry metadata that a fresh `npm ci` leaves none of that npm can use here.
    await cp(join(repo, 'package-lock.json'), join(consumerDir, 'package-lock.json')).catch(() => undefined);
    // @types/node (for the nodenext type check) at the repository's version, declared in package.json:
    // named on the command line, npm would fetch its registry metadata despite the lockfile.
    const typesNode = JSON.parse(
      await readFile(join(repo, 'node_modules', '@types', 'node', 'package.json'), 'utf8'),
    ) as PackageJson;
    const consumerPackagePath = join(consumerDir, 'package.json');
    const consumerPackage = JSON.parse(await readFile(consumerPackagePath, 'utf8')) as Record<string, unknown>;
    consumerPackage.devDependencies = { '@types/node': typesNode.version };
    await writeFile(consumerPackagePath, `${JSON.stringify(consumerPackage, null, 2)}\n`);
    const installArgs = ['install', '--no-audit', '--no-fund', '--ignore-scripts', join(packDir, tarballs[0] ?? '')];
    try {
      await npm(['--offline', ...installArgs], consumerDir);
    } catch (error) {
      console.warn(`The offline install failed; retrying with --prefer-offline.\n${String(error)}`);
      await npm(['--prefer-offline', ...installArgs], consumerDir);
    }
  }, 3 * minutes);

  afterAll(async () => {
    if (workDir !== '') await rm(workDir, { recursive: true, force: true });
  });

  it('packs the built module, its types and package.json', async () => {
    const installed = join(consumerDir, 'node_modules', repoPackage.name);
    const files = await readdir(join(installed, 'dist'));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts']));
    const installedPackage = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as PackageJson;
    expect(installedPackage.version).toBe(repoPackage.version);
  });

  it('loads from an ESM consumer', async () => {
    expectCommonChecks(await runConsumer('consumer.mjs'));
  });

  it('loads from a CommonJS consumer through require(esm), sharing one module instance with import()', async () => {
    const report = await runConsumer('consumer.cjs');
    expectCommonChecks(report);
    expect(report.sameModule).toEqual({
      ApiError: true,
      NotFoundError: true,
      ConfigurationError: true,
      ExportJobsClient: true,
      ExportJobSchema: true,
    });
    expect(report.importedNotFoundIsRequiredApiError).toBe(true);
  });

  it('type-checks a TypeScript consumer under module and moduleResolution nodenext', async () => {
    await expect(typecheck('tsconfig.nodenext.json')).resolves.toBeDefined();
  });

  it('type-checks a TypeScript consumer under module esnext and moduleResolution bundler', async () => {
    await expect(typecheck('tsconfig.bundler.json')).resolves.toBeDefined();
  });

  it("type-checks the README's quick start in a project made with npm init -y, set up as the README says", async () => {
    const dir = await quickStartProject('quick-start-esm');
    // The README's own command, as it gives it.
    const commands = (await readmeBlocks('Install', 'bash')).join('\n').split('\n');
    const setType = commands.find((line) => line.startsWith('npm pkg set '));
    expect(setType, 'the README says how to make the package an ES module').toBe('npm pkg set type=module');
    await npm(setType!.split(' ').slice(1), dir);
    expect((JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { type?: string }).type).toBe('module');
    await expect(typecheck('.', dir)).resolves.toBeDefined();
  });

  it("refuses the quick start's top-level await (TS1309) in npm init -y's CommonJS, as the README warns", async () => {
    const dir = await quickStartProject('quick-start-commonjs');
    const { type } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { type?: string };
    expect(type === undefined || type === 'commonjs', `npm init -y wrote "type": ${String(type)}`).toBe(true);
    const failure = await typecheck('.', dir).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    expect(failure, 'the quick start type-checked in a CommonJS package').toMatch(
      /index\.ts\(\d+,\d+\): error TS1309: The current file is a CommonJS module and cannot use 'await' at the top/,
    );
    // Nothing else is wrong: "type": "module" is the one thing missing.
    const errors = failure!.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(
      errors.filter((line) => !line.includes('error TS1309')),
      failure,
    ).toEqual([]);
  });

  it('keeps ky and p-retry out of the public types', async () => {
    const dist = join(consumerDir, 'node_modules', repoPackage.name, 'dist');
    const declarations = (await readdir(dist)).filter((name) => /\.d\.[cm]?ts$/.test(name));
    expect(declarations).toContain('index.d.ts');
    const importOfKyOrPRetry =
      /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|<reference\s+types=)["'](?:ky|p-retry)(?:\/[^"']*)?["']/;
    for (const name of declarations) {
      const text = await readFile(join(dist, name), 'utf8');
      expect(text, `${name} imports ky or p-retry`).not.toMatch(importOfKyOrPRetry);
    }
  });
});
