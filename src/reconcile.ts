/**
 * Create exactly once, without an idempotency key. The export jobs API (and Catalog) has none, so a
 * create that fails where the server may have acted (a timeout, a dropped connection, a 5xx, a 2xx
 * whose body could not be read) is never blindly sent again. Instead the SDK looks for what the
 * attempt may have created, in a bounded window of recent resources, and decides from what it finds:
 * one match is the answer; none, after the API has had time to show it, means the create is sent
 * again (once); several, or a look-up that fails, is an `AmbiguousCreateError` for the caller.
 * The rule, its bounds and its limit are written for users in docs/errors-and-retries.md
 * ("Ambiguous creates").
 */
import {
  AmbiguousCreateError,
  type AmbiguousCreateReason,
  type CreatedResource,
} from './errors/ambiguous-create-error.js';
import { ApiError, ServerError } from './errors/api-error.js';
import { ConfigurationError } from './errors/configuration-error.js';
import { ConnectionError } from './errors/connection-error.js';
import { ResponseTooLargeError } from './errors/response-too-large-error.js';
import { ResponseValidationError } from './errors/response-validation-error.js';
import { TimeoutError } from './errors/timeout-error.js';
import type { Logger } from './internal/http/log.js';
import { isRetryable } from './internal/http/retry.js';
import { sleep } from './internal/http/sleep.js';
import {
  checkFunction,
  checkMaxRetries,
  checkPositiveInteger,
  checkRequestOptions,
  type RequestOptions,
} from './options.js';

/**
 * How far before the attempt's start (by this machine's clock) a resource's creation time (by the
 * server's clock) may be and still count as the attempt's: 5 minutes, to absorb clock skew.
 */
export const DEFAULT_RECONCILE_CLOCK_SKEW = 5 * 60_000;
/** How many times the SDK lists the recent resources before it concludes that nothing was created. */
export const DEFAULT_RECONCILE_LOOKS = 3;
/** The wait between two looks, in ms: the time the API is given to show a job it has just created. */
export const DEFAULT_RECONCILE_LOOK_DELAY = 3_000;

/**
 * The bounds of the look-up after an ambiguous create. All durations are in milliseconds.
 *
 * @example
 * ```ts
 * await client.createExportJob(request, { reconcile: { clockSkew: 60_000, looks: 5, lookDelay: 5_000 } });
 * ```
 */
export interface ReconcileSettings {
  /** How far before the attempt's start a creation time may be (server clock vs this one). Default 300 000 (5 min). */
  clockSkew?: number;
  /** How many times to list the recent resources before concluding nothing was created. Default 3. */
  looks?: number;
  /** The wait between two looks. Default 3 000. */
  lookDelay?: number;
}

/**
 * What happened to an ambiguous create, as it happens: for a CLI or a log to say so.
 * `describeReconcileEvent(event)` turns one into a sentence.
 *
 * - `lookup`: the create failed where the server may have acted (`cause`); the SDK is looking.
 * - `recovered`: exactly one match; the call resolves with it, as if the create had answered.
 * - `resend`: nothing showed up after every look; the create is being sent again (once).
 * - `unresolved`: the call is about to throw `error` (several matches, a failed look-up, or
 *   nothing found where the create may not be sent again).
 */
export type ReconcileEvent =
  | { type: 'lookup'; resource: CreatedResource; attempt: number; cause: unknown; since: number }
  | {
      type: 'recovered';
      resource: CreatedResource;
      attempt: number;
      cause: unknown;
      id: number | string;
      createdAt: number;
      looks: number;
    }
  | { type: 'resend'; resource: CreatedResource; cause: unknown; looks: number }
  | { type: 'unresolved'; resource: CreatedResource; error: AmbiguousCreateError };

/**
 * Per-call options of the creates (`createExportJob`, `createProfileExportDataset`, and through
 * them `createAndWait` and `exportSegments`): the {@link RequestOptions}, and what to do after an
 * ambiguous failure.
 *
 * @example
 * ```ts
 * const job = await client.createExportJob(request, {
 *   onReconcile: (event) => console.error(describeReconcileEvent(event)),
 * });
 * const plain = await client.createExportJob(request, { reconcile: false }); // the create's own error, as before
 * ```
 */
export interface CreateOptions extends RequestOptions {
  /**
   * After a create fails where the server may have acted, look for what it created instead of
   * throwing (see docs/errors-and-retries.md, "Ambiguous creates"). Default `true`; `false` throws
   * the create's own error; an object tunes the bounds.
   */
  reconcile?: boolean | ReconcileSettings | undefined;
  /** Told of each step after an ambiguous failure: looking, recovered, sent again, unresolved. */
  onReconcile?: ((event: ReconcileEvent) => void) | undefined;
}

/** The reconcile options alone, for helpers that pass them on. */
export function pickCreateOptions(options: CreateOptions): Pick<CreateOptions, 'reconcile' | 'onReconcile'> {
  const { reconcile, onReconcile } = options;
  return {
    ...(reconcile === undefined ? {} : { reconcile }),
    ...(onReconcile === undefined ? {} : { onReconcile }),
  };
}

/** Checks a create's options before anything is sent, each problem a `ConfigurationError` naming it. */
export function checkCreateOptions<T extends CreateOptions>(options: T | undefined): T | Record<string, never> {
  const checked = checkRequestOptions(options);
  if (options === undefined) return checked;
  checkFunction('onReconcile', options.onReconcile);
  const { reconcile } = options;
  if (reconcile === undefined || typeof reconcile === 'boolean') return checked;
  if (typeof reconcile !== 'object' || reconcile === null) {
    throw new ConfigurationError('reconcile', 'must be true, false or { clockSkew?, looks?, lookDelay? }');
  }
  if (reconcile.clockSkew !== undefined) checkMaxRetries('reconcile.clockSkew', reconcile.clockSkew);
  if (reconcile.looks !== undefined) checkPositiveInteger('reconcile.looks', reconcile.looks);
  if (reconcile.lookDelay !== undefined) checkMaxRetries('reconcile.lookDelay', reconcile.lookDelay);
  return checked;
}

/** One create, as the engine drives it. */
export interface CreateOnce<T> {
  resource: CreatedResource;
  /** Sends the create once (the transport's own retries apply: 429 and refused connections only). */
  send(): Promise<T>;
  /** The resources matching the request created at or after `since` (epoch ms), newest first. */
  find(since: number): Promise<T[]>;
  /** A resource's id and creation time, and the `x-request-id` that created it when the API says. */
  describe(item: T): { id: number | string; createdAt: number; requestId?: string | undefined };
  /** Retries allowed for the call: with 0, the create is never sent a second time. */
  maxRetries: number;
  logger?: Logger | undefined;
}

/**
 * Sends a create so that one call makes exactly one resource: see this module's header. Never
 * creates twice: a second send happens only after every look found nothing, and never after a 2xx.
 * The call's `signal` stops it at any point (the look-up and the waits included) with its reason.
 */
export async function createExactlyOnce<T extends object>(spec: CreateOnce<T>, options: CreateOptions): Promise<T> {
  const settings = readSettings(options.reconcile);
  if (settings === undefined) return spec.send();
  const { signal } = options;
  const report = (event: ReconcileEvent) => {
    spec.logger?.debug(describeReconcileEvent(event), { reconcile: event.type, resource: spec.resource });
    options.onReconcile?.(event);
  };
  // One window for every look, from before the first send: a first attempt's job that shows up
  // late is then seen beside a second attempt's, and the two are reported rather than one taken.
  const since = Date.now() - settings.clockSkew;
  const maxSends = spec.maxRetries > 0 ? 2 : 1;
  let looks = 0;
  for (let attempt = 1; ; attempt++) {
    let cause: unknown;
    let acted: boolean;
    try {
      return await spec.send();
    } catch (error) {
      const ambiguity = signal?.aborted ? undefined : ambiguityOf(error);
      if (ambiguity === undefined) throw error;
      cause = error;
      acted = ambiguity === 'acted';
    }
    report({ type: 'lookup', resource: spec.resource, attempt, cause, since });
    const fail = (reason: AmbiguousCreateReason, extra: { candidates?: T[]; lookupError?: unknown } = {}) => {
      const candidates = extra.candidates ?? [];
      const candidateIds = candidates.map((item) => spec.describe(item).id);
      const error = new AmbiguousCreateError<T>(unresolvedMessage(spec.resource, reason, cause, candidateIds, looks), {
        resource: spec.resource,
        reason,
        candidates,
        candidateIds,
        cause,
        lookupError: extra.lookupError,
        since,
        attempts: attempt,
        looks,
      });
      report({ type: 'unresolved', resource: spec.resource, error: error as AmbiguousCreateError });
      return error;
    };

    let matches: T[] = [];
    for (let look = 1; look <= settings.looks && matches.length === 0; look++) {
      if (look > 1) await sleep(settings.lookDelay, signal);
      looks++;
      try {
        matches = await spec.find(since);
      } catch (lookupError) {
        signal?.throwIfAborted();
        throw fail('lookup-failed', { lookupError });
      }
    }
    // A tie is settled when exactly one match was made by one of this call's own requests (an API
    // that echoes the create's `x-request-id` as the resource's request id: the simulator does).
    if (matches.length > 1) {
      const ours = requestIdsOf(cause);
      const own = matches.filter((item) => ours.has(spec.describe(item).requestId ?? ''));
      if (own.length === 1) matches = own;
    }
    if (matches.length === 1) {
      const match = matches[0]!;
      const { id, createdAt } = spec.describe(match);
      report({ type: 'recovered', resource: spec.resource, attempt, cause, id, createdAt, looks });
      return match;
    }
    if (matches.length > 1) throw fail('several-matches', { candidates: matches });
    // A 2xx means the server did act: sending again would make a second one, whatever the list says.
    if (acted || attempt >= maxSends) throw fail('not-found');
    report({ type: 'resend', resource: spec.resource, cause, looks });
  }
}

/**
 * Whether a create's failure leaves its outcome unknown: `maybe` (the request may have reached the
 * server: a timeout, a connection lost after sending, a 5xx), `acted` (a 2xx whose body could not
 * be read: it certainly did), or `undefined` (it certainly did not: a 4xx, a refused connection, a
 * token that could not be had, a caller's abort, bad input).
 */
export function ambiguityOf(error: unknown): 'maybe' | 'acted' | undefined {
  if (error instanceof ResponseValidationError || error instanceof ResponseTooLargeError) {
    if (error.status >= 200 && error.status < 300) return 'acted';
    return error.status >= 500 ? 'maybe' : undefined;
  }
  if (error instanceof ServerError) return 'maybe';
  if (error instanceof ApiError) return undefined;
  if (error instanceof TimeoutError || error instanceof ConnectionError) {
    // Not retryable even for a read: the retry policy marked it final, which it does for a token
    // source's failure, before anything was sent to the API.
    if (!isRetryable(error, true)) return undefined;
    // Retryable for a create: the retry policy knows the request never left (refused, DNS).
    return isRetryable(error, false) ? undefined : 'maybe';
  }
  return undefined;
}

/**
 * One line saying what happened, for a CLI or a log: "the create timed out after 60000 ms; found
 * export job 1042 created at 2025-05-01T10:00:00.000Z and continued with it".
 *
 * @example
 * ```ts
 * await client.createExportJob(request, { onReconcile: (event) => console.error(describeReconcileEvent(event)) });
 * ```
 */
export function describeReconcileEvent(event: ReconcileEvent): string {
  switch (event.type) {
    case 'lookup':
      return (
        `the create ${describeFailure(event.cause)}; looking for the ${event.resource} it may have made ` +
        `(created since ${iso(event.since)})`
      );
    case 'recovered':
      return (
        `the create ${describeFailure(event.cause)}; found ${event.resource} ${event.id} created at ` +
        `${iso(event.createdAt)} and continued with it`
      );
    case 'resend':
      return (
        `the create ${describeFailure(event.cause)}; no ${event.resource} showed up after ${event.looks} ` +
        `look${event.looks === 1 ? '' : 's'}, so it was sent again`
      );
    case 'unresolved':
      return event.error.message;
  }
}

/** What a create's failure was, in a few words without any server text (so never a secret). */
export function describeFailure(error: unknown): string {
  if (error instanceof TimeoutError) return `timed out after ${error.timeout} ms`;
  if (error instanceof ConnectionError) return `lost its connection (${error.code ?? 'no response'})`;
  if (error instanceof ResponseValidationError || error instanceof ResponseTooLargeError) {
    return `answered ${error.status} with a body that could not be read`;
  }
  if (error instanceof ApiError) return `failed with ${error.status}`;
  return 'failed';
}

function unresolvedMessage(
  resource: CreatedResource,
  reason: AmbiguousCreateReason,
  cause: unknown,
  ids: ReadonlyArray<number | string>,
  looks: number,
): string {
  const start = `Creating the ${resource} ${describeFailure(cause)}, and the SDK could not tell what it did`;
  switch (reason) {
    case 'several-matches':
      return (
        `${start}: ${ids.length} ${resource}s created since the attempt began match the request ` +
        `(${ids.join(', ')}). Nothing more was created; keep one and remove the others.`
      );
    case 'lookup-failed':
      return `${start}: listing the recent ${resource}s failed. Check the list before creating it again.`;
    case 'not-found':
      return (
        `${start}: no matching ${resource} showed up after ${looks} look${looks === 1 ? '' : 's'}, and it ` +
        `was not sent again. None is believed to exist; one may still show up.`
      );
  }
}

function readSettings(reconcile: CreateOptions['reconcile']): Required<ReconcileSettings> | undefined {
  if (reconcile === false) return undefined;
  const given = typeof reconcile === 'object' ? reconcile : {};
  return {
    clockSkew: given.clockSkew ?? DEFAULT_RECONCILE_CLOCK_SKEW,
    looks: given.looks ?? DEFAULT_RECONCILE_LOOKS,
    lookDelay: given.lookDelay ?? DEFAULT_RECONCILE_LOOK_DELAY,
  };
}

/**
 * How far a server's clock is ahead of this machine's, from a response's `Date` header (one
 * second's resolution, which the clock-skew margin absorbs); 0 when there is none. Creation times
 * are the server's, so the look-up's window is moved by it.
 */
export function clockOffset(headers: Headers, now: number = Date.now()): number {
  const date = Date.parse(headers.get('date') ?? '');
  return Number.isNaN(date) ? 0 : date - now;
}

/** The `x-request-id`s a failure carries: every attempt's, and the response's. */
function requestIdsOf(error: unknown): Set<string> {
  const ids = new Set<string>();
  if (typeof error !== 'object' || error === null) return ids;
  const { requestIds, requestId } = error as { requestIds?: unknown; requestId?: unknown };
  if (Array.isArray(requestIds)) for (const id of requestIds) if (typeof id === 'string') ids.add(id);
  if (typeof requestId === 'string') ids.add(requestId);
  return ids;
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}
