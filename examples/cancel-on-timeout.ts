/**
 * Waits for an export job for a limited time, and cancels it if it runs over or this process is
 * interrupted (Ctrl-C).
 *
 *   npx node --import ./examples/register.mjs examples/cancel-on-timeout.ts <job id> [minutes]
 */
import { fileURLToPath } from 'node:url';
import { WaitTimeoutError, waitForCompletion, type CancelOutcome, type ExportJob, type ExportJobsClient, type WaitOptions } from '../src/index.js';
import { clientFromEnv } from './env-client.js';

export type WaitOrCancelResult =
  | { finished: true; job: ExportJob }
  | { finished: false; lastStatus: string | undefined; cancel: CancelOutcome | undefined };

export interface WaitOrCancelOptions extends Pick<WaitOptions, 'minDelay' | 'maxDelay' | 'signal'> {
  /** How long to wait before cancelling, in ms. Default 15 minutes. */
  timeout?: number;
  log?: (line: string) => void;
}

/**
 * Resolves with the finished job (SUCCEEDED or FAILED), or, when the deadline passed, with what
 * happened to the cancel. An abort through `signal` also cancels the job, then rejects with the
 * abort reason.
 */
export async function waitOrCancel(client: ExportJobsClient, jobId: number | string, options: WaitOrCancelOptions = {}): Promise<WaitOrCancelResult> {
  const { timeout = 15 * 60_000, log = console.log, ...wait } = options;
  try {
    const job = await waitForCompletion(client, jobId, {
      ...wait,
      maxWait: timeout,
      resolveOnFailure: true,
      cancelOnAbort: true,
      onStatusChange: (_, current) => log(`export job ${current.id}: ${current.status}`),
      onCancel: (outcome) =>
        log(outcome.ok ? `cancelled export job ${jobId}: ${outcome.message ?? 'ok'}` : `could not cancel export job ${jobId}: ${String(outcome.error)}`),
    });
    log(`export job ${job.id} finished: ${job.status}`);
    return { finished: true, job };
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    log(`export job ${jobId} did not finish within ${timeout} ms (last status ${error.job?.status ?? 'unknown'})`);
    return { finished: false, lastStatus: error.job?.status, cancel: error.cancel };
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [jobId, minutes = '15'] = process.argv.slice(2);
  if (!jobId) throw new Error('Usage: cancel-on-timeout.ts <job id> [minutes]');
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('Interrupted')));
  const result = await waitOrCancel(clientFromEnv(), jobId, { timeout: Number(minutes) * 60_000, signal: controller.signal });
  if (!result.finished || result.job.status !== 'SUCCEEDED') process.exitCode = 1;
}
