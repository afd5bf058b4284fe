import { ExportJobFailedError, exportSegments, type ExportJob } from '../../index.js';
import { clientFor, reconcileReport } from '../client.js';
import type { CommandContext } from '../context.js';
import { writeJson } from '../output/print.js';
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
}

/**
 * `export`: segments to files, or (`--job`) the rest of an earlier export. When it stops after the
 * job exists (Ctrl-C, timeout, a network or disk failure), it prints the command that resumes it.
 */
export async function run(context: CommandContext): Promise<void> {
  const { io, globals } = context;
  const flags = context.command.opts<ExportFlags>();
  const resumeId = flags.job === undefined ? undefined : parseJobId(flags.job, '--job');
  if (resumeId === undefined) {
    if (!flags.segment?.length)
      throw new UsageError('export needs --segment <id>... (or --job <id> to resume an earlier export)');
    if (Boolean(flags.dataset) === Boolean(flags.createDataset))
      throw new UsageError('export needs exactly one of --dataset <id> and --create-dataset <name>');
  } else if (flags.segment?.length || flags.dataset || flags.createDataset) {
    throw new UsageError('--job resumes an earlier export: give no --segment, --dataset or --create-dataset with it');
  }
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

  try {
    const result = await exportSegments(clientFor(context), {
      segments: flags.segment ?? [],
      dir: flags.out,
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
    });
    wait?.stop(result.job);
    wait = undefined;
    downloads.stop();
    if (globals.json)
      writeJson(context, {
        datasetId: result.datasetId,
        jobId: result.job.id,
        status: result.job.status,
        files: result.files,
      });
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
    if (known !== undefined && !(error instanceof ExportJobFailedError) && !context.io.outputClosed?.aborted) {
      io.stderr.write(`To resume: aep-export-jobs export --job ${known} --out ${shellQuote(flags.out)}\n`);
    } else if (known === undefined && typeof (error as { datasetId?: unknown }).datasetId === 'string') {
      const dataset = (error as { datasetId: string }).datasetId;
      io.stderr.write(
        `Dataset ${cleanLine(dataset)} was created; reuse it with --dataset ${shellQuote(cleanLine(dataset))}\n`,
      );
    }
    throw explainTimeout(error, flags);
  }
}
