/**
 * Waits `ms` milliseconds (no timer at all for 0), or rejects with the signal's own reason as soon as it aborts, leaving no
 * timer behind. Written on the global `setTimeout` (not `node:timers/promises`) so that fake timers
 * in users' tests drive it, and so the rejection is the caller's reason rather than a generic AbortError.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
