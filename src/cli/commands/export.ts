import { mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  ExportJobFailedError,
  exportSegments,
  readExportedProfiles,
  readProfileColumns,
  type ExportJob,
  type ExportSegmentsOptions,
  type ExportSegmentsResult,
  type ProfileRow,
} from '../../index.js';
import { clientFor, reconcileReport } from '../client.js';
import type { CommandContext } from '../context.js';
import { writeJson } from '../output/print.js';
import {
  openProfileOutput,
  parseFormat,
  PROFILE_FORMATS,
  STDOUT,
  type ProfileFormat,
  type ProfileOutput,
} from '../output/profile-writer.js';
import { cleanLine } from '../output/sanitize.js';
import { formatBytes, parseCount, parseJobId, shellQuote } from '../parse.js';
import { downloadProgress } from '../progress/download-progress.js';
import { waitProgress, type WaitProgress } from '../progress/wait-progress.js';
import { UsageError } from '../usage-error.js';
import { explainTimeout, waitOptions, waitSchedule, type WaitFlags } from '../waiting.js';

interface ExportFlags extends WaitFlags {
  segment?: string[];
  out: string;
  job?: string;
  dataset?: string;
  createDataset?: string;
  segmentPerBatch?: boolean;
  fields?: string;
  concurrency: string;
  format: string;
  parquetDir?: string;
  keepParquet?: boolean;
}

type ExportedFile = ExportSegmentsResult['files'][number];

/** With `--format ndjson|csv`: the output file (or stdout) and the folder the Parquet files are staged in. */
interface Conversion {
  format: ProfileFormat;
  output: ProfileOutput;
  staging: string;
  /** The staging folder was made by this run under the OS's temporary folder (for stdout). */
  temporary: boolean;
}

/**
 * `export`: segments to files, or (`--job`) the rest of an earlier export. With `--format ndjson` or
 * `csv`, the Parquet files are staged in a folder and converted into one output file (or stdout)
 * as they arrive. When it stops after the job exists (Ctrl-C, timeout, a network or disk failure),
 * it prints the command that resumes it.
 */
export async function run(context: CommandContext): Promise<void> {
  const { io, globals } = context;
  const flags = context.command.opts<ExportFlags>();
  const format = parseFormat(flags.format, ['parquet', ...PROFILE_FORMATS]);
  const resumeId = flags.job === undefined ? undefined : parseJobId(flags.job, '--job');
  if (resumeId === undefined) {
    if (!flags.segment?.length)
      throw new UsageError('export needs --segment <id>... (or --job <id> to resume an earlier export)');
    if (Boolean(flags.dataset) === Boolean(flags.createDataset))
      throw new UsageError('export needs exactly one of --dataset <id> and --create-dataset <name>');
  } else if (flags.segment?.length || flags.dataset || flags.createDataset) {
    throw new UsageError('--job resumes an earlier export: give no --segment, --dataset or --create-dataset with it');
  }
  checkFormatFlags(flags, format, Boolean(globals.json));
  const schedule = waitSchedule(flags);
  const concurrency = parseCount(flags.concurrency, '--concurrency');
  const quiet = Boolean(globals.quiet);
  const say = (line: string) => (quiet ? undefined : io.stderr.write(`${line}\n`));
  let jobId = resumeId;
  let wait: WaitProgress | undefined;
  const downloads = downloadProgress(io, { quiet });
  const options = waitOptions(
    context,
    flags,
    { callbacks: {}, stop: () => {}, log: (line) => (wait ? wait.log(line) : say(line)) },
    () => `export job ${jobId ?? ''}`.trim(),
  );
  // Opened before the job is created: an output that cannot be written fails before anything is made.
  const conversion = format === 'parquet' ? undefined : await prepareConversion(context, flags, format);

  const exportOptions: ExportSegmentsOptions = {
    segments: flags.segment ?? [],
    dir: conversion?.staging ?? flags.out,
    ...(resumeId !== undefined
      ? { jobId: resumeId }
      : flags.dataset
        ? { datasetId: flags.dataset }
        : { createDataset: { name: flags.createDataset! } }),
    segmentPerBatch: Boolean(flags.segmentPerBatch),
    ...(flags.fields ? { fields: flags.fields } : {}),
    concurrency,
    ...options,
    ...reconcileReport(context, (line) => (wait ? wait.log(line) : say(line))),
    onDatasetCreated: (id: string) => say(`Created dataset ${cleanLine(id)}`),
    onCreated: (job: ExportJob) => {
      jobId = job.id;
      const dataset = cleanLine(job.destination.datasetId);
      // Resuming creates nothing: say what is resumed, and in what state.
      say(
        resumeId === undefined
          ? `Created export job ${job.id} into dataset ${dataset}`
          : `Resuming export job ${job.id} (${cleanLine(job.status)}) into dataset ${dataset}`,
      );
      wait = waitProgress(io, job.id, { ...schedule, quiet });
    },
    onPoll: (job, polls) => {
      wait?.callbacks.onPoll?.(job, polls);
      // The wait is over: its summary stays above what comes next (the files listed, then the bar).
      if (job.status === 'SUCCEEDED' || job.status === 'FAILED') {
        wait?.stop(job);
        wait = undefined;
      }
    },
    onStatusChange: (previous, job) => wait?.callbacks.onStatusChange?.(previous, job),
    onDownloadProgress: (progress) => {
      downloads.onDownloadProgress(progress);
    },
  };

  try {
    if (conversion) {
      const { result, profiles } = await exportConverted(context, exportOptions, conversion);
      wait?.stop(result.job);
      wait = undefined;
      downloads.stop();
      if (!flags.keepParquet) await removeStaged(conversion.staging, result.files);
      say(`${profiles} profiles written to ${conversion.output.name}`);
      if (flags.keepParquet) say(`Parquet files kept in ${conversion.staging}`);
      if (globals.json) writeJson(context, { ...summary(result), format: conversion.format, out: flags.out, profiles });
      return;
    }
    const result = await exportSegments(clientFor(context), exportOptions);
    wait?.stop(result.job);
    wait = undefined;
    downloads.stop();
    if (globals.json) writeJson(context, summary(result));
    else {
      const bytes = result.files.reduce((sum, file) => sum + file.bytes, 0);
      io.stdout.write(
        `Export job ${result.job.id} ${cleanLine(result.job.status)}: ${result.files.length} file(s), ${formatBytes(bytes)} (${bytes} bytes) in ${flags.out}\n`,
      );
      for (const file of result.files)
        io.stdout.write(`  ${file.path}  ${file.bytes}${file.skipped ? '  (already there)' : ''}\n`);
    }
  } catch (error) {
    wait?.stop();
    downloads.stop();
    const known = jobId ?? (error as { jobId?: number | string }).jobId;
    // A failed job has nothing to resume; anything else that stopped a known job can be finished later.
    const resumable = known !== undefined && !(error instanceof ExportJobFailedError);
    const outputClosed = Boolean(context.io.outputClosed?.aborted);
    // A temporary staging folder is kept only for the resume command that names it.
    if (conversion?.temporary && (!resumable || outputClosed))
      await rm(conversion.staging, { recursive: true, force: true });
    if (resumable && !outputClosed) {
      io.stderr.write(`To resume: ${resumeCommand(known, flags, conversion)}\n`);
    } else if (known === undefined && typeof (error as { datasetId?: unknown }).datasetId === 'string') {
      const dataset = (error as { datasetId: string }).datasetId;
      io.stderr.write(
        `Dataset ${cleanLine(dataset)} was created; reuse it with --dataset ${shellQuote(cleanLine(dataset))}\n`,
      );
    }
    throw explainTimeout(error, flags);
  }
}

/** The flags that only make sense with one kind of `--format`, refused with the other. */
function checkFormatFlags(flags: ExportFlags, format: string, json: boolean): void {
  if (format === 'parquet') {
    if (flags.parquetDir !== undefined || flags.keepParquet)
      throw new UsageError(
        '--parquet-dir and --keep-parquet go with --format ndjson or csv (with parquet, --out is the folder of the files)',
      );
    if (flags.out === STDOUT)
      throw new UsageError('--out - (stdout) needs --format ndjson or csv: Parquet files are written to a folder');
    return;
  }
  if (flags.out === STDOUT && json)
    throw new UsageError('--json prints its result on stdout, where --out - sends the profiles: give --out <file>');
  if (flags.parquetDir !== undefined && flags.out !== STDOUT && resolve(flags.parquetDir) === resolve(flags.out))
    throw new UsageError('--parquet-dir must not be the --out file');
}

/** The staging folder named (or made, for stdout) and the output opened. */
async function prepareConversion(
  context: CommandContext,
  flags: ExportFlags,
  format: ProfileFormat,
): Promise<Conversion> {
  const temporary = flags.parquetDir === undefined && flags.out === STDOUT;
  const staging = temporary
    ? await mkdtemp(join(tmpdir(), 'aep-export-jobs-'))
    : (flags.parquetDir ?? defaultStaging(flags.out));
  try {
    return { format, output: await openProfileOutput(context.io, flags.out), staging, temporary };
  } catch (error) {
    if (temporary) await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Where the Parquet files of `--out <file>` are staged unless `--parquet-dir` says otherwise. */
const defaultStaging = (out: string) => `${out}.parquet`;

/**
 * The export, with each Parquet file converted once it and every file before it are on disk (as
 * `onFileDownloaded` tells of them): the rows come out in the job's order (batches in order, files
 * in listing order) whatever the concurrency, while later files download. When either side fails, the other stops:
 * a failed download ends the writing (which removes its `.partial`), and a failed write (a corrupt
 * file, a full disk) stops the downloads.
 */
async function exportConverted(
  context: CommandContext,
  options: ExportSegmentsOptions,
  conversion: Conversion,
): Promise<{ result: ExportSegmentsResult; profiles: number }> {
  const files = new FileQueue();
  const stop = new AbortController();
  // The writing fails only once files arrive, after the wait: the stop never cancels a job.
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const writing = conversion.output
    .write(exportedRows(files, conversion.staging, context.outputSignal), {
      format: conversion.format,
      columns: () => csvColumnsOf(files, conversion.staging),
    })
    .catch((error: unknown) => {
      stop.abort(error);
      throw error;
    });
  const exporting = exportSegments(clientFor(context), {
    ...options,
    signal,
    onFileDownloaded: (file) => files.push(file),
  }).then(
    (result) => {
      files.end();
      return result;
    },
    (error: unknown) => {
      files.fail(error);
      throw error;
    },
  );
  const [exported, written] = await Promise.allSettled([exporting, writing]);
  if (exported.status === 'fulfilled' && written.status === 'fulfilled')
    return { result: exported.value, profiles: written.value };
  // The first failure is the one to tell: the other side only stopped because of it.
  throw stop.signal.aborted
    ? stop.signal.reason
    : exported.status === 'rejected'
      ? exported.reason
      : (written as PromiseRejectedResult).reason;
}

/**
 * The rows of the staged files, one file after the other. With a folder per segment, each row
 * starts with `segmentId`, the folder's name, as `readExportedProfiles` gives it for the folder.
 */
async function* exportedRows(
  files: FileQueue,
  staging: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<ProfileRow> {
  for await (const file of files) {
    const segmentId = segmentFolder(staging, file);
    for await (const row of readExportedProfiles(file.path, signal ? { signal } : {}))
      yield segmentId === undefined ? row : { segmentId, ...row };
  }
}

/**
 * The CSV columns, from the schema of the first file (as `profiles` takes them from its files):
 * a struct null in the first row still gets its columns. None when the export has no file.
 */
async function csvColumnsOf(files: FileQueue, staging: string): Promise<string[] | undefined> {
  const first = await files.peek();
  if (!first) return undefined;
  const columns = await readProfileColumns(first.path);
  return segmentFolder(staging, first) === undefined ? columns : ['segmentId', ...columns];
}

/** The segment folder a file of a `segmentPerBatch` export is in, under the staging folder. */
function segmentFolder(staging: string, file: ExportedFile): string | undefined {
  const parts = relative(resolve(staging), resolve(file.path)).split(sep);
  return file.segmentId !== undefined && parts.length > 1 ? parts[0] : undefined;
}

/**
 * The Parquet files `exportSegments` tells of, in its order, for the conversion to take at its own
 * pace. A failure ends the iteration with that error, without the files still queued.
 */
class FileQueue implements AsyncIterable<ExportedFile> {
  readonly #files: ExportedFile[] = [];
  #ended = false;
  #failure: { error: unknown } | undefined;
  readonly #waiting: Array<() => void> = [];

  push(file: ExportedFile): void {
    // Only Parquet files hold profiles: readExportedProfiles skips anything else in a folder too.
    if (!file.path.endsWith('.parquet')) return;
    this.#files.push(file);
    this.#wake();
  }

  end(): void {
    this.#ended = true;
    this.#wake();
  }

  fail(error: unknown): void {
    this.#failure = { error };
    this.#wake();
  }

  /** The next file, left in the queue; undefined once the export ended without another. */
  async peek(): Promise<ExportedFile | undefined> {
    for (;;) {
      if (this.#failure) throw this.#failure.error;
      if (this.#files.length > 0) return this.#files[0];
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ExportedFile> {
    for (let file = await this.peek(); file; file = await this.peek()) {
      this.#files.shift();
      yield file;
    }
  }

  #wake(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }
}

/**
 * Removes the Parquet files this export staged, then the folders they leave empty. Only those:
 * `--parquet-dir` may name a folder that holds other things.
 */
async function removeStaged(staging: string, files: readonly ExportedFile[]): Promise<void> {
  const root = resolve(staging);
  const folders = new Set<string>([root]);
  for (const file of files) {
    await rm(file.path, { force: true });
    for (let folder = dirname(resolve(file.path)); folder.startsWith(`${root}${sep}`); folder = dirname(folder))
      folders.add(folder);
  }
  // Deepest first, so that a folder is empty by the time it is reached.
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    await rmdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST' && error.code !== 'ENOENT') throw error;
    });
  }
}

/** The command that finishes this export: the same output, and the same staging folder when it is not the default. */
function resumeCommand(jobId: number | string, flags: ExportFlags, conversion: Conversion | undefined): string {
  const words = ['aep-export-jobs', 'export', '--job', String(jobId), '--out', shellQuote(flags.out)];
  if (conversion) {
    words.push('--format', conversion.format);
    if (flags.out === STDOUT || conversion.staging !== defaultStaging(flags.out))
      words.push('--parquet-dir', shellQuote(conversion.staging));
    if (flags.keepParquet) words.push('--keep-parquet');
  }
  return words.join(' ');
}

/** What `--json` says of an export, whatever its format. */
function summary(result: ExportSegmentsResult) {
  return { datasetId: result.datasetId, jobId: result.job.id, status: result.job.status, files: result.files };
}
