// What `wait`, `run` and `export` share: the schedule flags, the progress, and what a timeout or
// a cancel says (in the unit the user typed).
import { WaitTimeoutError, type ExportJob, type ExportJobsClient, type WaitOptions } from '../index.js';
import type { CommandContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { printJob } from './output/print.js';
import { cleanLine } from './output/sanitize.js';
import { parseDuration } from './parse.js';
import { waitProgress, type WaitProgress } from './progress/wait-progress.js';
import { UsageError } from './usage-error.js';

export interface WaitFlags {
  timeout: string;
  minDelay: string;
  maxDelay: string;
  cancelOnInterrupt?: boolean;
}

/** The wait flags as milliseconds, checked together. */
export function waitSchedule(flags: WaitFlags): Required<Pick<WaitOptions, 'maxWait' | 'minDelay' | 'maxDelay'>> {
  const schedule = {
    maxWait: parseDuration(flags.timeout, '--timeout'),
    minDelay: parseDuration(flags.minDelay, '--min-delay'),
    maxDelay: parseDuration(flags.maxDelay, '--max-delay'),
  };
  if (schedule.maxDelay < schedule.minDelay) {
    throw new UsageError(
      `--max-delay (${flags.maxDelay.trim()}) must not be below --min-delay (${flags.minDelay.trim()})`,
    );
  }
  return schedule;
}

/** The options of a wait, with its progress; `what` names the job in the cancel lines. */
export function waitOptions(
  context: CommandContext,
  flags: WaitFlags,
  progress: WaitProgress,
  what: () => string,
): WaitOptions {
  return {
    ...waitSchedule(flags),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(flags.cancelOnInterrupt ? { cancelOnAbort: true, onCancel: cancelReporter(context, progress, what) } : {}),
    ...progress.callbacks,
  };
}

export function cancelReporter(
  context: CommandContext,
  progress: WaitProgress,
  what: () => string,
): NonNullable<WaitOptions['onCancel']> {
  return (outcome) =>
    progress.log(
      outcome.ok
        ? `Cancel requested for ${what()}`
        : `Could not cancel ${what()}: ${cleanLine(String((outcome.error as Error)?.message ?? outcome.error))}`,
    );
}

/** A WaitTimeoutError told in the unit of `--timeout` as typed, with how to go on waiting. */
export function explainTimeout(error: unknown, flags: WaitFlags): unknown {
  if (!(error instanceof WaitTimeoutError)) return error;
  const cancelled = error.cancel?.ok
    ? 'it was cancelled'
    : `it goes on running; wait again with: aep-export-jobs wait ${error.jobId}`;
  error.message =
    `Export job ${error.jobId} did not finish: timed out after ${flags.timeout.trim()} ` +
    `(${error.polls} poll${error.polls === 1 ? '' : 's'}, last status ${cleanLine(error.job?.status ?? 'unknown')}); ${cancelled}`;
  return error;
}

/** Waits for job `id` with progress, prints it, and tells by the exit code how it ended. */
export async function waitAndReport(
  context: CommandContext,
  client: ExportJobsClient,
  id: number,
  flags: WaitFlags,
): Promise<number> {
  const schedule = waitSchedule(flags);
  const progress = waitProgress(context.io, id, { ...schedule, quiet: Boolean(context.globals.quiet) });
  const { waitForCompletion } = await import('../index.js');
  let job: ExportJob;
  try {
    job = await waitForCompletion(client, id, {
      ...waitOptions(context, flags, progress, () => `job ${id}`),
      resolveOnFailure: true,
    });
  } catch (error) {
    progress.stop();
    throw explainTimeout(error, flags);
  }
  progress.stop(job);
  printJob(context, job);
  return job.status === 'SUCCEEDED' ? ExitCode.Success : ExitCode.JobFailed;
}
