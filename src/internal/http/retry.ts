import pRetry, { AbortError } from 'p-retry';
import { ApiError } from '../../errors/api-error.js';
import { ConnectionError } from '../../errors/connection-error.js';
import { TimeoutError } from '../../errors/timeout-error.js';
import { sleep } from './sleep.js';

/** Statuses worth another try on a request the server may safely see twice. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
/** Connection failures that prove the request never reached a server. */
const NEVER_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** The longest wait the SDK accepts from `Retry-After`, in ms. */
export const MAX_RETRY_AFTER = 60_000;
const BACKOFF_BASE = 500;
const BACKOFF_CAP = 8_000;

/**
 * Whether a failed attempt may be tried again. GET and DELETE are idempotent: connection
 * failures, timeouts and the statuses above are retried. POST (create) is not, and the API has no
 * idempotency key, so it is retried only where the server certainly did not act: a 429, or a
 * connection that was refused before the request was sent. Never after a timeout or a 5xx.
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (error instanceof ApiError) return idempotent ? RETRYABLE_STATUSES.has(error.status) : error.status === 429;
  if (error instanceof ConnectionError) return idempotent || NEVER_SENT_CODES.has(error.code ?? '');
  if (error instanceof TimeoutError) return idempotent;
  return false;
}

/**
 * The wait before retry number `attempt` (1-based): the server's `Retry-After` or body
 * `retryAfterMs` when given (capped at 60 s), else exponential backoff with full jitter.
 */
export function retryDelay(error: unknown, attempt: number, random: () => number = Math.random): number {
  if (error instanceof ApiError && error.retryAfter !== undefined) return Math.min(error.retryAfter, MAX_RETRY_AFTER);
  return Math.round(random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)));
}

export interface RetryOptions {
  maxRetries: number;
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  /** Told of each attempt's outcome; `delay` is set when another attempt follows. */
  onAttempt?: (event: { attempt: number; error?: unknown; delay?: number }) => void;
}

/**
 * The SDK's one retry layer, on p-retry. `operation` runs once per attempt (1-based). A
 * non-retryable failure ends the loop at once; the wait between attempts ends on abort, and an
 * abort rejects with the signal's reason.
 */
export function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxRetries, idempotent, signal, onAttempt } = options;
  return pRetry(
    async (attempt) => {
      try {
        const result = await operation(attempt);
        onAttempt?.({ attempt });
        return result;
      } catch (error) {
        if (signal?.aborted) throw new AbortError(asError(signal.reason));
        if (attempt > maxRetries || !isRetryable(error, idempotent)) {
          onAttempt?.({ attempt, error });
          throw new AbortError(asError(error));
        }
        throw error;
      }
    },
    {
      retries: maxRetries,
      minTimeout: 0,
      maxTimeout: 0,
      signal,
      onFailedAttempt: async ({ error, attemptNumber }) => {
        const delay = retryDelay(error, attemptNumber);
        onAttempt?.({ attempt: attemptNumber, error, delay });
        await sleep(delay, signal);
      },
    },
  );
}

const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));
