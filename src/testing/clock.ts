// The simulator's clock, hand-written on purpose: a manual clock is a start time plus an offset,
// read only by the simulator. A fake-timers library (@sinonjs/fake-timers, vitest's) patches the
// process's globals, which would also stop the SDK's own timers (retries, timeouts) in the test
// that drives the simulator; and the simulator needs no timers at all, only `now()`.
/**
 * Where the simulator reads the time from.
 *
 * - `'real'` / `{ mode: 'real' }`: `Date.now()` (so vitest's fake timers, which fake `Date`, drive it too).
 * - `'manual'` / `{ mode: 'manual', start? }`: frozen at `start` (default {@link DEFAULT_MANUAL_START})
 *   until you call `simulator.advance(ms)`.
 * - a function returning epoch milliseconds, for any other source.
 *
 * @example
 * ```ts
 * const simulator = new ExportJobsSimulator({ clock: { mode: 'manual', start: Date.UTC(2025, 0, 1) } });
 * simulator.advance(10_000); // every job is now 10 s older
 * ```
 */
export type ClockOption =
  'real' | 'manual' | { mode: 'real' } | { mode: 'manual'; start?: number | Date } | (() => number);

/** The start of a manual clock when none is given: 2024-01-01T00:00:00Z, so ids and times are reproducible. */
export const DEFAULT_MANUAL_START = Date.UTC(2024, 0, 1);

/**
 * The simulator's clock. Job states are computed from it on every read, so moving it is all it
 * takes to move every job along: there are no timers to flush or leak.
 */
export interface SimulatorClock {
  /** `'custom'` when built from a function. */
  readonly mode: 'real' | 'manual' | 'custom';
  /** The current time, in epoch milliseconds. */
  now(): number;
  /**
   * Moves the clock forward by `ms`. Works in every mode: on a real clock it skips ahead of
   * `Date.now()` by that much, which is how a demo fast-forwards a job.
   */
  advance(ms: number): void;
}

/** Builds the clock an option describes. */
export function createClock(option: ClockOption = 'real'): SimulatorClock {
  const { mode, source } = resolve(option);
  let offset = 0;
  return {
    mode,
    now: () => source() + offset,
    advance(ms: number) {
      // A clock that runs backwards would let a finished job become NEW again.
      if (!(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) {
        throw new RangeError(`advance(ms) needs a finite, non-negative number of milliseconds, got ${String(ms)}`);
      }
      offset += ms;
    },
  };
}

function resolve(option: ClockOption): { mode: SimulatorClock['mode']; source: () => number } {
  if (typeof option === 'function') return { mode: 'custom', source: option };
  const mode = typeof option === 'string' ? option : option?.mode;
  if (mode === 'real') return { mode, source: () => Date.now() };
  if (mode === 'manual') {
    const given = typeof option === 'object' && 'start' in option ? option.start : undefined;
    const start = given instanceof Date ? given.getTime() : (given ?? DEFAULT_MANUAL_START);
    if (!Number.isFinite(start)) throw new RangeError(`clock.start must be a finite time, got ${String(given)}`);
    return { mode, source: () => start };
  }
  throw new TypeError(
    `clock must be 'real', 'manual', { mode: 'real' }, { mode: 'manual', start? } or a function, got ${JSON.stringify(option)}`,
  );
}
