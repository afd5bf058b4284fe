/**
 * The SDK's one retry policy, and its one retry layer (p-retry). Everything that decides whether
 * a failure is worth another try, and how long to wait first, lives here; the transport, the
 * downloads and the waiter's poll schedule all ask this module. The rule, for users, is written
 * once in docs/errors-and-retries.md ("What is retried"); other doc comments link there.
 *
 * The rule: GET and DELETE are idempotent, so connection failures, timeouts and 408, 429, 500,
 * 502, 503 and 504 are retried. POST (create) is not, and the API has no idempotency key, so it is
 * retried only where the server certainly did not act: a 429, or a connection refused before the
 * request was sent. Never after a timeout or a 5xx. The wait is the server's `Retry-After` (or a
 * body `retryAfterMs`), capped at 60 s, else exponential backoff with full jitter.
 */
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

// Failures that must end the call though their class is retryable: a token source's failure,
// already retried by the source itself (OAuthTokenProvider retries IMS).
const finalFailures = new WeakSet<object>();

/** Marks a failure as not worth another attempt of the call, whatever its class; returns it. */
export function markFinal<E>(error: E): E {
  if (typeof error === 'object' && error !== null) finalFailures.add(error);
  return error;
}

/** Whether a failed attempt may be tried again (the rule in this module's header). */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (typeof error === 'object' && error !== null && finalFailures.has(error)) return false;
  if (error instanceof ApiError) {
    const status = (error as ApiError).status;
    return idempotent ? RETRYABLE_STATUSES.has(status) : status === 429;
  }
  if (error instanceof ConnectionError) return idempotent || NEVER_SENT_CODES.has(error.code ?? '');
  if (error instanceof TimeoutError) return idempotent;
  return false;
}

/** How long the server asked to wait before the next try (capped at 60 s), or `undefined` if it did not say. */
export function serverRetryDelay(error: unknown): number | undefined {
  return error instanceof ApiError && error.retryAfter !== undefined
    ? Math.min(error.retryAfter, MAX_RETRY_AFTER)
    : undefined;
}

/**
 * The wait before retry number `attempt` (1-based): the server's wait when given, else
 * exponential backoff with full jitter.
 */
export function retryDelay(error: unknown, attempt: number, random: () => number = Math.random): number {
  return serverRetryDelay(error) ?? Math.round(random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)));
}

export interface RetryOptions {
  maxRetries: number;
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  /** Told of each attempt's outcome; `delay` is set when another attempt follows. */
  onAttempt?: (event: { attempt: number; error?: unknown; delay?: number }) => void;
}

/**
 * Runs `operation` once per attempt (1-based) under the policy. A non-retryable failure ends the
 * loop at once; the wait between attempts ends on abort. This is the SDK's one abort path: once
 * the signal has aborted, the call rejects with the signal's own reason, whatever the attempt was
 * doing, so no caller has to check it again.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxRetries, idempotent, signal, onAttempt } = options;
  try {
    return await pRetry(
      async (attempt) => {
        signal?.throwIfAborted();
        try {
          const result = await operation(attempt);
          onAttempt?.({ attempt });
          return result;
        } catch (error) {
          if (signal?.aborted || attempt > maxRetries || !isRetryable(error, idempotent)) {
            if (!signal?.aborted) onAttempt?.({ attempt, error });
            throw new AbortError(error instanceof Error ? error : new Error(String(error)));
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
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}
