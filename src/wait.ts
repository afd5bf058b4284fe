import type { ExportJobsClient } from './client.js';
import { ExportJobsError } from './errors/export-jobs-error.js';
import {
  ExportJobCancelledError,
  ExportJobFailedError,
  WaitTimeoutError,
  type CancelOutcome,
} from './errors/wait-errors.js';
import { isRetryable, serverRetryDelay } from './internal/http/retry.js';
import { sleep } from './internal/http/sleep.js';
import type { CreateExportJobRequest } from './models/create-request.js';
import type { ExportJob } from './models/export-job.js';
import { ConfigurationError } from './errors/configuration-error.js';
import {
  checkFunction,
  checkRequestOptions,
  checkTimeout,
  pickRequestOptions,
  type RequestOptions,
} from './options.js';
import { pickCreateOptions, type CreateOptions } from './reconcile.js';

/** Default first wait between polls, in ms. */
export const DEFAULT_MIN_DELAY = 2_000;
/** Default longest wait between polls, in ms. */
export const DEFAULT_MAX_DELAY = 30_000;
/** Default overall deadline, in ms (30 minutes). */
export const DEFAULT_MAX_WAIT = 30 * 60_000;
/** How far below the exponential step a wait may be jittered (10 %): desynchronises waiters, keeps polls few. */
const JITTER = 0.1;
/** Statuses that mean the job was cancelled: undocumented by Adobe, so both spellings. */
const CANCELLED_STATUSES: ReadonlySet<string> = new Set(['CANCELLED', 'CANCELED']);
/** How long the best-effort cancel of `cancelOnAbort` may take, in ms. */
const CANCEL_TIMEOUT = 10_000;

/**
 * Options of {@link waitForCompletion}: the per-call {@link RequestOptions}, which apply to each
 * poll (`signal` aborts the whole wait; `timeout` bounds each poll request, and is cut to what is
 * left before the deadline; `maxRetries` is not used by polls, whose transient failures are retried
 * by the wait's own schedule until the deadline), and the schedule. All durations are in milliseconds.
 *
 * @example
 * ```ts
 * const job = await waitForCompletion(client, id, {
 *   minDelay: 5_000,
 *   maxDelay: 60_000,
 *   maxWait: 2 * 60 * 60_000,
 *   onStatusChange: (previous, job) => console.log(`${previous?.status ?? '-'} -> ${job.status}`),
 * });
 * ```
 */
export interface WaitOptions extends RequestOptions {
  /** The first wait between polls, and the least. Default 2 000. */
  minDelay?: number;
  /** The longest wait between polls. Default 30 000. */
  maxDelay?: number;
  /** The overall deadline, from the call. Default 1 800 000 (30 minutes). */
  maxWait?: number;
  /** Resolve with a `FAILED` job instead of throwing `ExportJobFailedError`. */
  resolveOnFailure?: boolean;
  /**
   * Cancel the job (best effort) when the caller aborts or the deadline passes. The outcome is
   * given to `onCancel` and set on `WaitTimeoutError.cancel`; it never replaces the original error.
   * The rejection then waits for the cancel request (at most 10 s) before it comes.
   */
  cancelOnAbort?: boolean;
  /** Called after each successful poll with the job and the poll number (1-based). */
  onPoll?: (job: ExportJob, attempt: number) => void;
  /** Called when the status differs from the previous poll's (`previous` is `undefined` on the first). */
  onStatusChange?: (previous: ExportJob | undefined, job: ExportJob) => void;
  /** Told what happened to the cancel sent by `cancelOnAbort`. */
  onCancel?: (outcome: CancelOutcome) => void;
}

/**
 * Polls an export job until it finishes and resolves with the `SUCCEEDED` job.
 *
 * It polls at once, then waits a jittered, growing delay (from `minDelay` doubling up to
 * `maxDelay`); the last poll is timed for the deadline rather than sleeping past it. `FAILED`
 * throws `ExportJobFailedError` (or resolves, with `resolveOnFailure`); the deadline throws
 * `WaitTimeoutError` with the last job seen; a cancelled job throws `ExportJobCancelledError`.
 * Each poll's request timeout is cut to what is left before the deadline, so the wait never
 * overruns it. Transient errors (429, 5xx, timeouts, dropped connections) are retried within the
 * deadline, honouring `Retry-After`; 401, 403 and 404 end the wait. An unknown status keeps
 * polling. Aborting rejects at once with the abort reason (after the cancel, with
 * `cancelOnAbort`) and leaves no timer behind. Abort reasons are the caller's own values, so they
 * carry no `jobId`: with `createAndWait`, use `onCreated` to keep the id.
 *
 * @example
 * ```ts
 * const job = await waitForCompletion(client, 42, { maxWait: 60 * 60_000, signal: AbortSignal.timeout(3_600_000) });
 * console.log(job.metrics?.totalExportedProfileCounter);
 * ```
 */
export async function waitForCompletion(
  client: ExportJobsClient,
  id: number | string,
  options: WaitOptions = {},
): Promise<ExportJob> {
  const minDelay = options.minDelay ?? DEFAULT_MIN_DELAY;
  const maxDelay = options.maxDelay ?? DEFAULT_MAX_DELAY;
  const maxWait = options.maxWait ?? DEFAULT_MAX_WAIT;
  checkWaitOptions(options, { minDelay, maxDelay, maxWait });
  const { resolveOnFailure, cancelOnAbort, onPoll, onStatusChange, onCancel } = options;
  const requestOptions = pickRequestOptions(options);
  const { signal } = requestOptions;
  const deadline = Date.now() + maxWait;
  let last: ExportJob | undefined;
  let polls = 0;
  let step = 0;

  try {
    for (;;) {
      signal?.throwIfAborted();
      polls++;
      let wait: number;
      try {
        const pollTimeout = Math.max(1, Math.min(requestOptions.timeout ?? client.timeout, deadline - Date.now()));
        // One retry layer: the schedule below retries polls, each poll is sent once.
        const job = await client.getExportJob(id, { ...requestOptions, timeout: pollTimeout, maxRetries: 0 });
        onPoll?.(job, polls);
        if (job.status !== last?.status) onStatusChange?.(last, job);
        last = job;
        if (job.status === 'SUCCEEDED') return job;
        if (job.status === 'FAILED') {
          if (resolveOnFailure) return job;
          throw new ExportJobFailedError(job);
        }
        if (CANCELLED_STATUSES.has(job.status)) throw new ExportJobCancelledError(job);
        wait = pollDelay(++step, minDelay, maxDelay);
      } catch (error) {
        // The retry policy decides what is transient; the server's own wait wins over the schedule.
        if (!isRetryable(error, true)) throw error;
        wait = serverRetryDelay(error) ?? pollDelay(++step, minDelay, maxDelay);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new WaitTimeoutError(id, { job: last, timeout: maxWait, polls });
      await sleep(Math.min(wait, remaining), signal);
    }
  } catch (error) {
    if (cancelOnAbort && (signal?.aborted || error instanceof WaitTimeoutError)) {
      const outcome = await cancelBestEffort(client, id, requestOptions);
      onCancel?.(outcome);
      if (error instanceof WaitTimeoutError) error.cancel = outcome;
    }
    signal?.throwIfAborted();
    if (error instanceof ExportJobsError && error.jobId === undefined) error.jobId = id;
    throw error;
  }
}

/**
 * Creates an export job and waits for it to finish. `onCreated` hears of the job as soon as it
 * exists, and a failure of the wait carries the job's id (`error.jobId`), so a job is never lost.
 * The create is `createExportJob`'s, exactly once: `reconcile` and `onReconcile` are passed to it.
 *
 * @example
 * ```ts
 * const job = await createAndWait(client, request, { onCreated: (job) => console.log('created', job.id) });
 * ```
 */
export async function createAndWait(
  client: ExportJobsClient,
  request: CreateExportJobRequest,
  options: WaitOptions &
    Pick<CreateOptions, 'reconcile' | 'onReconcile'> & { onCreated?: (job: ExportJob) => void } = {},
): Promise<ExportJob> {
  const { onCreated, reconcile, onReconcile, ...waitOptions } = options;
  checkFunction('onCreated', onCreated);
  checkWaitOptions(waitOptions, {
    minDelay: waitOptions.minDelay,
    maxDelay: waitOptions.maxDelay,
    maxWait: waitOptions.maxWait,
  });
  const created = await client.createExportJob(request, {
    ...pickRequestOptions(waitOptions),
    ...pickCreateOptions({ reconcile, onReconcile }),
  });
  onCreated?.(created);
  return waitForCompletion(client, created.id, waitOptions);
}

/**
 * The wait before poll `step + 1`: `minDelay` doubling per step up to `maxDelay`, jittered down
 * by at most 10 % and never below `minDelay`.
 */
export function pollDelay(
  step: number,
  minDelay: number,
  maxDelay: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelay, minDelay * 2 ** (step - 1));
  return Math.round(Math.max(minDelay, ceiling * (1 - JITTER * random())));
}

async function cancelBestEffort(
  client: ExportJobsClient,
  id: number | string,
  requestOptions: RequestOptions,
): Promise<CancelOutcome> {
  // Sent after the caller's signal aborted, so deliberately without it.
  const { signal: _signal, ...rest } = requestOptions;
  try {
    const result = await client.cancelExportJob(id, {
      ...rest,
      timeout: rest.timeout ?? CANCEL_TIMEOUT,
      maxRetries: 0,
    });
    return { ok: true, message: result.message };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Refuses bad wait options before anything is sent, each with a `ConfigurationError` naming it. */
function checkWaitOptions(
  options: WaitOptions,
  durations: Pick<WaitOptions, 'minDelay' | 'maxDelay' | 'maxWait'>,
): void {
  checkRequestOptions(options);
  for (const [name, value] of Object.entries(durations)) if (value !== undefined) checkTimeout(name, value);
  const { minDelay, maxDelay } = durations;
  if (minDelay !== undefined && maxDelay !== undefined && maxDelay < minDelay) {
    throw new ConfigurationError('maxDelay', `(${maxDelay} ms) must not be below minDelay (${minDelay} ms)`);
  }
  for (const name of ['onPoll', 'onStatusChange', 'onCancel'] as const) checkFunction(name, options[name]);
}
