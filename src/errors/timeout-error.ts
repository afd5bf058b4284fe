import { ExportJobsError } from './export-jobs-error.js';

/**
 * An attempt got no complete response within the `timeout` (ms). Retried for reads and cancels,
 * never for `createExportJob`: the server may have created the job.
 */
export class TimeoutError extends ExportJobsError {
  override name = 'TimeoutError';
  /** The per-attempt timeout that elapsed, in milliseconds. */
  readonly timeout: number;
  /** The `x-request-id` of every attempt, first to last. */
  readonly requestIds: readonly string[];

  constructor(message: string, options: { timeout: number; requestIds?: readonly string[] }) {
    super(message);
    this.timeout = options.timeout;
    this.requestIds = options.requestIds ?? [];
  }
}
