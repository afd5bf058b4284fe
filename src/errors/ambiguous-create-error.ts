import type { ExportJob } from '../models/export-job.js';
import { ExportJobsError } from './export-jobs-error.js';

/** What was being created: an export job (`createExportJob`) or its target dataset (`createProfileExportDataset`). */
export type CreatedResource = 'export job' | 'dataset';

/**
 * Why the SDK could not tell what an ambiguous create did:
 *
 * - `several-matches`: more than one resource created since the attempt began matches the request;
 *   `candidates` holds them all.
 * - `lookup-failed`: listing the recent resources failed (`lookupError`), so nothing could be checked.
 * - `not-found`: no match after every look, and the create could not be sent again (it had already
 *   been sent twice, the server had answered 2xx, or `maxRetries` is 0). None is believed to exist.
 */
export type AmbiguousCreateReason = 'several-matches' | 'lookup-failed' | 'not-found';

/** A dataset Catalog listed as a candidate: its id, name and creation time (epoch ms). */
export interface DatasetCandidate {
  id: string;
  name: string;
  created: number;
}

/**
 * A create failed in a way that may have reached the server (a timeout, a dropped connection, a
 * 5xx, a 2xx whose body could not be read), and the SDK's look-up could not settle what it did. The
 * SDK created nothing more: decide from `candidates` (the matching resources, newest first: export
 * jobs for `createExportJob`, {@link DatasetCandidate}s for datasets), `reason`, `cause` (the
 * create's own failure) and `lookupError` (the look-up's, when it failed). See "Ambiguous creates"
 * in docs/errors-and-retries.md.
 *
 * @example
 * ```ts
 * try {
 *   await client.createExportJob(request);
 * } catch (error) {
 *   if (error instanceof AmbiguousCreateError && error.reason === 'several-matches') {
 *     console.error(`jobs ${error.candidateIds.join(', ')} all match: keep one, cancel the others`);
 *   }
 *   throw error;
 * }
 * ```
 */
export class AmbiguousCreateError<C extends object = ExportJob | DatasetCandidate> extends ExportJobsError {
  override name = 'AmbiguousCreateError';
  readonly resource: CreatedResource;
  readonly reason: AmbiguousCreateReason;
  /** The matching resources found, newest first; empty unless `reason` is `several-matches`. */
  readonly candidates: readonly C[];
  /** The candidates' ids, for messages and logs. */
  readonly candidateIds: ReadonlyArray<number | string>;
  /** The failure of the look-up, when `reason` is `lookup-failed`. */
  readonly lookupError: unknown;
  /** The start of the window searched (epoch ms): the first attempt's start less the clock-skew margin. */
  readonly since: number;
  /** How many times the create was sent (1, or 2 after a look-up that found nothing). */
  readonly attempts: number;
  /** How many look-ups were made (list requests, across pages, are one look). */
  readonly looks: number;

  constructor(
    message: string,
    options: {
      resource: CreatedResource;
      reason: AmbiguousCreateReason;
      candidates?: readonly C[];
      candidateIds?: ReadonlyArray<number | string>;
      cause: unknown;
      lookupError?: unknown;
      since: number;
      attempts: number;
      looks: number;
    },
  ) {
    super(message, { cause: options.cause });
    this.resource = options.resource;
    this.reason = options.reason;
    this.candidates = options.candidates ?? [];
    this.candidateIds = options.candidateIds ?? [];
    this.lookupError = options.lookupError;
    this.since = options.since;
    this.attempts = options.attempts;
    this.looks = options.looks;
  }
}
