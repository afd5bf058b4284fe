/**
 * Waits for an export job for a limited time, and cancels it if it runs over or this process is
 * interrupted (Ctrl-C).
 *
 *   npm run example -- examples/cancel-on-timeout.ts <job id> [minutes]
 *
 * Exit code 0 when the job succeeded, 1 when it failed or was cancelled at the deadline, 130 when
 * interrupted, 2 for a usage error.
 */
import { fileURLToPath } from 'node:url';
import {
  WaitTimeoutError,
  waitForCompletion,
  type CancelOutcome,
  type ExportJob,
  type ExportJobsClient,
  type WaitOptions,
} from '../src/index.js';
import { checkUsage, clientFromEnv } from './env-client.js';

export type WaitOrCancelResult =
  | { finished: true; job: ExportJob }
  | { finished: false; lastStatus: string | undefined; cancel: CancelOutcome | undefined };

export interface WaitOrCancelOptions extends Pick<WaitOptions, 'minDelay' | 'maxDelay' | 'maxWait' | 'signal'> {
  /** How long to wait before cancelling, in ms. Default 15 minutes. */
  maxWait?: number;
  log?: (line: string) => void;
}

/**
 * Resolves with the finished job (SUCCEEDED or FAILED), or, when the deadline passed, with what
 * happened to the cancel. An abort through `signal` also cancels the job, then rejects with the
 * abort reason.
 */
export async function waitOrCancel(
  client: ExportJobsClient,
  jobId: number | string,
  options: WaitOrCancelOptions = {},
): Promise<WaitOrCancelResult> {
  const { maxWait = 15 * 60_000, log = console.log, ...wait } = options;
  try {
    const job = await waitForCompletion(client, jobId, {
      ...wait,
      maxWait,
      resolveOnFailure: true,
      cancelOnAbort: true,
      onStatusChange: (_, current) => log(`export job ${current.id}: ${current.status}`),
      onCancel: (outcome) =>
        log(
          outcome.ok
            ? `cancelled export job ${jobId}: ${outcome.message ?? 'ok'}`
            : `could not cancel export job ${jobId}: ${String(outcome.error)}`,
        ),
    });
    log(`export job ${job.id} finished: ${job.status}`);
    return { finished: true, job };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    log(`export job ${jobId} did not finish within ${maxWait} ms (last status ${error.job?.status ?? 'unknown'})`);
    return { finished: false, lastStatus: error.job?.status, cancel: error.cancel };
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [jobId, minutes = '15'] = process.argv.slice(2);
  checkUsage({
    command: 'npm run example -- examples/cancel-on-timeout.ts <job id> [minutes]',
    problems: [
      !jobId && 'a job id is required',
      !(Number(minutes) > 0) && `minutes must be a positive number, got ${JSON.stringify(minutes)}`,
    ],
  });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('Interrupted')));
  try {
    const result = await waitOrCancel(clientFromEnv(), jobId!, {
      maxWait: Number(minutes) * 60_000,
      signal: controller.signal,
    });
    if (!result.finished || result.job.status !== 'SUCCEEDED') process.exitCode = 1;
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    // The cancel sent on the way out has been reported by onCancel.
    console.log('interrupted');
    process.exitCode = 130;
  }
}
