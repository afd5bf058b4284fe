import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  ExportJobFailedError,
  exportSegments,
  type ExportJob,
  type ExportSegmentsOptions,
  type ExportSegmentsResult,
} from '../../index.js';
import { clientFor, reconcileReport } from '../client.js';
import { defaultStaging, exportConverted, prepareConversion, removeStaged, type Conversion } from '../conversion.js';
import type { CommandContext } from '../context.js';
import { writeJson } from '../output/print.js';
import { parseFormat, PROFILE_FORMATS, STDOUT } from '../output/profile-writer.js';
import { cleanLine } from '../output/sanitize.js';
import { formatBytes, parseCount, parseJobId, shellQuote } from '../parse.js';
import { downloadProgress } from '../progress/download-progress.js';
import { waitProgress, type WaitProgress } from '../progress/wait-progress.js';
import { DEFAULT_CONCURRENCY } from '../specs/shared.js';
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

/** The command that finishes this export: the same output, and the same staging folder when it is not the default. */
function resumeCommand(jobId: number | string, flags: ExportFlags, conversion: Conversion | undefined): string {
  const words = ['aep-export-jobs', 'export', '--job', String(jobId), '--out', shellQuote(flags.out)];
  if (conversion) {
    words.push('--format', conversion.format);
    if (flags.out === STDOUT || conversion.staging !== defaultStaging(flags.out))
      words.push('--parquet-dir', shellQuote(conversion.staging));
    if (flags.keepParquet) words.push('--keep-parquet');
  }
  // As the caller chose it, when not the default: a resumed export downloads as the first did.
  if (flags.concurrency !== DEFAULT_CONCURRENCY) words.push('--concurrency', shellQuote(flags.concurrency));
  return words.join(' ');
}

/** What `--json` says of an export, whatever its format. */
function summary(result: ExportSegmentsResult) {
  return { datasetId: result.datasetId, jobId: result.job.id, status: result.job.status, files: result.files };
}
