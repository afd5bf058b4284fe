// Benchmark 4: waitForCompletion on a simulated clock. How many polls, and how long after the job
// turns SUCCEEDED the wait resolves (the detection delay), for jobs of 1, 10 and 60 minutes, vs a
// plain loop that polls every 5 seconds.
//
// Nothing really waits: during this benchmark `setTimeout`, `clearTimeout` and `Date.now` are
// replaced by a virtual scheduler that, whenever the event loop has run out of work (after a real
// `setImmediate` turn, by which time every pending microtask has run), jumps the virtual clock to the
// earliest timer and fires it. The client is a fake object whose `getExportJob` takes a simulated
// round trip and reads the job's status from the virtual clock. The SDK's jitter (`Math.random`)
// is left on; each run's job ends at its duration plus a phase drawn in [0, 5 s) from a seeded
// generator (the same phases for both strategies), so that fixed polling is not always in step
// with the job.
import { waitForCompletion, WaitTimeoutError } from '../dist/index.js';
import { job } from './fixtures.mjs';
import { mean, median, report } from './lib.ts';

const RUNS = Number(process.env.RUNS ?? 101);
const DURATIONS_MIN = [1, 10, 60];
const FIXED_INTERVAL = 5_000;
/** Simulated round trip of one poll; the server reads the status half-way through. */
const ROUND_TRIP = 100;
/** The SDK's deadline for these runs: its default (30 min) is shorter than the 60-minute job. */
const WAIT_TIMEOUT = 2 * 60 * 60_000;
const EPOCH = 1_760_000_000_000;

// ---- the virtual scheduler -------------------------------------------------------------------
const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  dateNow: Date.now,
  setImmediate: globalThis.setImmediate,
};
let now = 0;
let sequence = 0;
const timers = new Map<number, { at: number; sequence: number; fire: () => void }>();

function install(): void {
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, delay = 0, ...args: unknown[]) => {
    const id = ++sequence;
    timers.set(id, { at: now + Math.max(0, Number(delay) || 0), sequence: id, fire: () => callback(...args) });
    return id;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id: number) => void timers.delete(id)) as typeof clearTimeout;
  Date.now = () => EPOCH + now;
}

function uninstall(): void {
  globalThis.setTimeout = real.setTimeout;
  globalThis.clearTimeout = real.clearTimeout;
  Date.now = real.dateNow;
}

/** Drives the virtual clock until `promise` settles; resolves with its value and the virtual time it settled at. */
async function runVirtual<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; at: number }> {
  let outcome: { value?: T; error?: unknown; at: number } | undefined;
  promise.then(
    (value) => (outcome = { value, at: now }),
    (error: unknown) => (outcome = { error, at: now }),
  );
  for (;;) {
    await new Promise((resolve) => real.setImmediate(resolve));
    if (outcome) return outcome;
    let next: { id: number; at: number; sequence: number } | undefined;
    for (const [id, timer] of timers)
      if (!next || timer.at < next.at || (timer.at === next.at && timer.sequence < next.sequence))
        next = { id, ...timer };
    if (!next) throw new Error('deadlock: nothing pending and the wait has not settled');
    const timer = timers.get(next.id)!;
    timers.delete(next.id);
    now = next.at;
    timer.fire();
  }
}

const virtualSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- the fake client and the two strategies ----------------------------------------------------
function fakeClient(endsAt: number) {
  const client = {
    polls: 0,
    async getExportJob(id: number) {
      client.polls++;
      await virtualSleep(ROUND_TRIP / 2);
      const status = now >= endsAt ? 'SUCCEEDED' : 'PROCESSING';
      await virtualSleep(ROUND_TRIP / 2);
      return job(id, status);
    },
  };
  return client;
}

async function fixedPolling(client: ReturnType<typeof fakeClient>, id: number) {
  for (;;) {
    const current = await client.getExportJob(id);
    if (current.status === 'SUCCEEDED' || current.status === 'FAILED') return current;
    await virtualSleep(FIXED_INTERVAL);
  }
}

/** mulberry32: the job phases, the same for both strategies. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Run {
  polls: number;
  delay: number;
}

async function once(
  strategy: 'sdk' | 'fixed',
  endsAt: number,
  options: { maxWait?: number } = { maxWait: WAIT_TIMEOUT },
): Promise<Run & { error?: unknown }> {
  now = 0;
  timers.clear();
  const client = fakeClient(endsAt);
  const promise = strategy === 'sdk' ? waitForCompletion(client as never, 42, options) : fixedPolling(client, 42);
  const outcome = await runVirtual(promise);
  return { polls: client.polls, delay: outcome.at - endsAt, error: outcome.error };
}

install();
const rows: string[][] = [];
const summary: Record<string, { sdk: Run[]; fixed: Run[] }> = {};
let defaultDeadline: { polls: number; error: unknown } | undefined;
try {
  for (const minutes of DURATIONS_MIN) {
    const phase = seeded(minutes);
    const runs = { sdk: [] as Run[], fixed: [] as Run[] };
    for (let i = 0; i < RUNS; i++) {
      const endsAt = minutes * 60_000 + Math.floor(phase() * FIXED_INTERVAL);
      for (const strategy of ['sdk', 'fixed'] as const) {
        const run = await once(strategy, endsAt);
        // A rejection reason is `unknown` (an Error from the SDK); the `if` narrowed it to `{}`.
        if (run.error) throw run.error as unknown;
        runs[strategy].push(run);
      }
    }
    summary[minutes] = runs;
  }
  // The SDK's defaults on the 60-minute job: the 30-minute deadline ends the wait first.
  const run = await once('sdk', 60 * 60_000, {});
  defaultDeadline = { polls: run.polls, error: run.error };
} finally {
  uninstall();
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
for (const minutes of DURATIONS_MIN) {
  for (const strategy of ['sdk', 'fixed'] as const) {
    const runs = summary[minutes]![strategy];
    const polls = runs.map((run) => run.polls);
    const delays = runs.map((run) => run.delay);
    rows.push([
      `${minutes} min`,
      strategy === 'sdk' ? 'waitForCompletion (defaults, 2 h deadline)' : 'fixed 5 s polling',
      String(median(polls)),
      String(Math.max(...polls)),
      s(mean(delays)),
      s(median(delays)),
      s(Math.max(...delays)),
    ]);
  }
}
const pollRatio = (minutes: number) =>
  median(summary[minutes]!.sdk.map((run) => run.polls)) / median(summary[minutes]!.fixed.map((run) => run.polls));
// What else the wait ended with: `unknown` (a rejection reason, or the word), as String() takes it.
const defaultEnding: unknown = defaultDeadline?.error ?? 'success';
const deadlineNote =
  defaultDeadline?.error instanceof WaitTimeoutError
    ? `With the default options (30-minute deadline) the 60-minute job ends in WaitTimeoutError after ${defaultDeadline.polls} polls: waits for long jobs must pass \`timeout\`.`
    : `With the default options the 60-minute wait ended with ${String(defaultEnding)}.`;
report({
  id: 'wait',
  title: '4. waitForCompletion: polls and detection delay (simulated clock)',
  method:
    `${RUNS} runs per job length and strategy on a virtual clock (no real waiting); each poll a ${ROUND_TRIP} ms simulated round trip; the job turns SUCCEEDED at its length plus a phase in [0, 5 s). ` +
    'waitForCompletion with its default schedule (2 s doubling to 30 s, up to 10 % jitter from Math.random) and `maxWait: 2 h`; the baseline polls, then sleeps 5 s. Detection delay: from the change to SUCCEEDED until the wait resolves.',
  head: ['job', 'strategy', 'polls (median)', 'polls (max)', 'delay mean', 'delay median', 'delay max'],
  rows,
  figures: DURATIONS_MIN.map((minutes) => ({
    name: `${minutes}-min job: polls vs fixed 5 s`,
    value: `${(pollRatio(minutes) * 100).toFixed(0)} %`,
  })),
  notes: [deadlineNote],
});
