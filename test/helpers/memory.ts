/** Memory as tests measure it: a collector without --expose-gc, and the peak growth of a call. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full collection, for clean baselines, without --expose-gc on the worker's command line. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Runs `call` and samples memory every 2 ms: its outcome (value or error) and the peak growth
 * over a clean baseline, in bytes.
 */
export async function peakGrowth<T>(
  call: () => Promise<T>,
): Promise<{ outcome: unknown; rss: number; arrayBuffers: number }> {
  collectGarbage();
  collectGarbage();
  const base = process.memoryUsage();
  const peak = { rss: 0, arrayBuffers: 0 };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss - base.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers - base.arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  try {
    const outcome = await call().then(
      (value) => value,
      (error: unknown) => error,
    );
    sample();
    return { outcome, ...peak };
  } finally {
    clearInterval(timer);
  }
}
