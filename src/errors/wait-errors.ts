import type { ExportJob, JobError } from '../models/export-job.js';
import { ExportJobsError } from './export-jobs-error.js';

/** What happened to the best-effort cancel sent by `cancelOnAbort`. */
export type CancelOutcome = { ok: true; message?: string | undefined } | { ok: false; error: unknown };

/**
 * The job ended `FAILED`. `job` is the failed job and `errors` its `errors[]` (Adobe's `code`,
 * `msg`, `callStack`). Pass `resolveOnFailure: true` to get the failed job back instead.
 *
 * @example
 * ```ts
 * try {
 *   await waitForCompletion(client, id);
 * } catch (error) {
 *   if (error instanceof ExportJobFailedError) console.error(error.errors.map((e) => e.msg));
 * }
 * ```
 */
export class ExportJobFailedError extends ExportJobsError {
  override name = 'ExportJobFailedError';
  readonly job: ExportJob;
  readonly errors: readonly JobError[];
  override readonly jobId: number;

  constructor(job: ExportJob) {
    const reasons = (job.errors ?? [])
      .map((error) => [error.code, error.msg].filter(Boolean).join(' '))
      .filter(Boolean);
    super(`Export job ${job.id} failed${reasons.length ? `: ${reasons.join('; ')}` : ''}`);
    this.job = job;
    this.errors = job.errors ?? [];
    this.jobId = job.id;
  }
}

/**
 * The job was cancelled (its status reads `CANCELLED` or `CANCELED`; Adobe does not document the
 * status of a cancelled job, so the SDK accepts both spellings). `job` is the last state seen.
 */
export class ExportJobCancelledError extends ExportJobsError {
  override name = 'ExportJobCancelledError';
  readonly job: ExportJob;
  override readonly jobId: number;

  constructor(job: ExportJob) {
    super(`Export job ${job.id} was cancelled (status ${job.status})`);
    this.job = job;
    this.jobId = job.id;
  }
}

/**
 * The job did not finish before the wait's `timeout`. `job` is the last state seen (if any poll
 * succeeded); the job itself goes on running unless `cancelOnAbort` cancelled it (`cancel`).
 */
export class WaitTimeoutError extends ExportJobsError {
  override name = 'WaitTimeoutError';
  override readonly jobId: number | string;
  readonly job: ExportJob | undefined;
  /** The wait's timeout, in ms. */
  readonly timeout: number;
  /** How many polls were made. */
  readonly polls: number;
  /** The outcome of the cancel sent because of `cancelOnAbort`, when one was sent. */
  cancel: CancelOutcome | undefined;

  constructor(jobId: number | string, options: { job: ExportJob | undefined; timeout: number; polls: number }) {
    super(
      `Export job ${jobId} did not finish within ${options.timeout} ms (${options.polls} polls, last status ${options.job?.status ?? 'unknown'})`,
    );
    this.jobId = jobId;
    this.job = options.job;
    this.timeout = options.timeout;
    this.polls = options.polls;
    this.cancel = undefined;
  }
}
