/**
 * `export --format ndjson|csv`: the Parquet files staged in a folder and converted into one output
 * (a file or stdout) as `exportSegments` tells of them, in the job's order, while later files
 * download; and the staged files removed afterwards.
 */
import { mkdtemp, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  exportSegments,
  readExportedProfiles,
  readProfileColumns,
  type ExportSegmentsOptions,
  type ExportSegmentsResult,
  type ProfileRow,
} from '../index.js';
import { clientFor } from './client.js';
import type { CommandContext } from './context.js';
import { openProfileOutput, STDOUT, type ProfileFormat, type ProfileOutput } from './output/profile-writer.js';

type ExportedFile = ExportSegmentsResult['files'][number];

/** With `--format ndjson|csv`: the output file (or stdout) and the folder the Parquet files are staged in. */
export interface Conversion {
  format: ProfileFormat;
  output: ProfileOutput;
  staging: string;
  /** The staging folder was made by this run under the OS's temporary folder (for stdout). */
  temporary: boolean;
}

/** The staging folder named (or made, for stdout) and the output opened. */
export async function prepareConversion(
  context: CommandContext,
  flags: { out: string; parquetDir?: string | undefined },
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
export const defaultStaging = (out: string) => `${out}.parquet`;

/**
 * The export, with each Parquet file converted once it and every file before it are on disk (as
 * `onFileDownloaded` tells of them): the rows come out in the job's order (batches in order, files
 * in listing order) whatever the concurrency, while later files download. When either side fails, the other stops:
 * a failed download ends the writing (which removes its `.partial`), and a failed write (a corrupt
 * file, a full disk) stops the downloads.
 */
export async function exportConverted(
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
export async function removeStaged(staging: string, files: readonly ExportedFile[]): Promise<void> {
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
