/**
 * Waits `ms` milliseconds (no timer at all for 0), or rejects with the signal's own reason as soon as it aborts, leaving no
 * timer behind. Written on the global `setTimeout` (not `node:timers/promises`) so that fake timers
 * in users' tests drive it, and so the rejection is the caller's reason rather than a generic AbortError.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  // The caller's own reason, whatever it is, is the promise: see above.
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it aborts, whichever comes first.
 * For waits on something that cannot be cancelled (a shared token request, a caller's token
 * function): the caller stops waiting at once; the work goes on for whoever else needs it.
 */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  // The caller's own reason, whatever it is (not necessarily an Error): the SDK's abort contract.
  const reason = (): Error => signal.reason as Error;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
