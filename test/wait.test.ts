import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  ExportJobCancelledError,
  ExportJobFailedError,
  ExportJobSchema,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  WaitTimeoutError,
  createAndWait,
  pollDelay,
  waitForCompletion,
  type ExportJob,
  type ExportJobsClient,
} from '../src/index.js';
import type { ApiErrorInit } from '../src/errors/api-error.js';
import { jobBody, validRequest } from './helpers/msw.js';

const MINUTE = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

const job = (status: string, extra: Record<string, unknown> = {}): ExportJob =>
  ExportJobSchema.parse(jobBody({ id: 42, status, ...extra }));

type Step = ExportJob | Error;

/**
 * A client double whose job runs on the fake clock: `statusAt(elapsed)` gives what a poll at that
 * time sees. Promises settle without I/O, so fake time alone drives the wait.
 */
function fakeClient(statusAt: (elapsed: number) => Step) {
  const polls: number[] = [];
  const cancels: number[] = [];
  const client = {
    getExportJob: vi.fn(() => {
      polls.push(Date.now());
      const step = statusAt(Date.now());
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
    }),
    cancelExportJob: vi.fn(() => {
      cancels.push(Date.now());
      return Promise.resolve({ status: true, message: 'Export job has been marked for cancelling' });
    }),
    createExportJob: vi.fn(() => Promise.resolve(job('NEW'))),
  };
  return { client: client as unknown as ExportJobsClient, double: client, polls, cancels };
}

const apiError = <S extends number, T>(
  ErrorClass: new (init: ApiErrorInit<S>) => T,
  status: S,
  retryAfter?: number,
): T =>
  new ErrorClass({
    status,
    message: `HTTP ${status}`,
    code: undefined,
    requestId: undefined,
    requestIds: [],
    body: undefined,
    headers: {},
    retryAfter,
  });

/** Runs the wait to its end on fake time, returning its outcome and when it settled. */
async function settle<T>(
  promise: Promise<T>,
  limit = 3 * 60 * MINUTE,
): Promise<{ value?: T; error?: unknown; at: number }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  promise.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  while (!outcome && Date.now() < limit) await vi.advanceTimersByTimeAsync(100);
  if (!outcome) throw new Error('the wait never settled');
  return { ...outcome, at: Date.now() };
}

describe('pollDelay', () => {
  it('doubles from minDelay up to maxDelay and never leaves those bounds, whatever the jitter', () => {
    for (const random of [0, 0.5, 0.999]) {
      const delays = Array.from({ length: 12 }, (_, step) => pollDelay(step + 1, 2_000, 30_000, () => random));
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(2_000);
        expect(delay).toBeLessThanOrEqual(30_000);
      }
    }
    expect(Array.from({ length: 6 }, (_, step) => pollDelay(step + 1, 2_000, 30_000, () => 0))).toEqual([
      2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(pollDelay(5, 2_000, 30_000, () => 1)).toBe(27_000);
  });
});

describe('waitForCompletion', () => {
  it('polls at once and resolves with a job that has already succeeded', async () => {
    const { client, polls } = fakeClient(() => job('SUCCEEDED'));
    await expect(waitForCompletion(client, 42)).resolves.toMatchObject({ id: 42, status: 'SUCCEEDED' });
    expect(polls).toEqual([0]);
  });

  it.each([0, 0.5, 1])(
    'sees a 10-minute job finish within maxDelay of its change, in at most 30 polls (jitter %s)',
    async (random) => {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const finish = 10 * MINUTE;
      const { client, polls } = fakeClient((now) =>
        now < 30_000 ? job('NEW') : now < finish ? job('PROCESSING') : job('SUCCEEDED'),
      );
      const { value, at } = await settle(waitForCompletion(client, 42));
      expect(value?.status).toBe('SUCCEEDED');
      expect(at - finish).toBeLessThanOrEqual(30_000);
      expect(polls.length).toBeLessThanOrEqual(30);
      for (let index = 1; index < polls.length; index++) {
        const gap = polls[index]! - polls[index - 1]!;
        expect(gap).toBeGreaterThanOrEqual(2_000);
        expect(gap).toBeLessThanOrEqual(30_000);
      }
    },
  );

  it('throws ExportJobFailedError with the job and its errors when the job fails', async () => {
    const errors = [{ code: '0090000009', msg: 'Error writing profiles to output path', callStack: 'com.adobe...' }];
    const { client } = fakeClient((now) => (now < 5_000 ? job('PROCESSING') : job('FAILED', { errors })));
    const { error } = await settle(waitForCompletion(client, 42));
    expect(error).toBeInstanceOf(ExportJobFailedError);
    expect(error).toMatchObject({ jobId: 42, errors, job: { status: 'FAILED' } });
    expect((error as Error).message).toBe('Export job 42 failed: 0090000009 Error writing profiles to output path');
  });

  it('resolves with the failed job when asked to', async () => {
    const { client } = fakeClient(() => job('FAILED'));
    await expect(waitForCompletion(client, 42, { resolveOnFailure: true })).resolves.toMatchObject({
      status: 'FAILED',
    });
  });

  it('throws WaitTimeoutError with the last job seen when the deadline passes', async () => {
    const { client, polls } = fakeClient(() => job('PROCESSING'));
    const { error, at } = await settle(waitForCompletion(client, 42, { maxWait: 5 * MINUTE }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ jobId: 42, timeout: 5 * MINUTE, job: { status: 'PROCESSING' }, polls: polls.length });
    expect(polls.at(-1)).toBe(5 * MINUTE);
    expect(at).toBeLessThan(5 * MINUTE + 1_000);
  });

  it('catches a job finishing just before the deadline with a last poll timed for the deadline', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const timeout = 100_000;
    const { client, polls } = fakeClient((now) => (now < timeout - 1 ? job('PROCESSING') : job('SUCCEEDED')));
    const { value } = await settle(waitForCompletion(client, 42, { maxWait: timeout }));
    expect(value?.status).toBe('SUCCEEDED');
    expect(polls.at(-1)).toBe(timeout);
    expect(polls.slice(-2)[0]).toBeLessThan(timeout - 1);
  });

  it.each(['CANCELLED', 'CANCELED'])('ends with ExportJobCancelledError when the job reads %s', async (status) => {
    const { client, polls } = fakeClient((now) => (now < 5_000 ? job('PROCESSING') : job(status)));
    const { error } = await settle(waitForCompletion(client, 42));
    expect(error).toBeInstanceOf(ExportJobCancelledError);
    expect(error).toMatchObject({ jobId: 42, job: { status } });
    expect(polls.length).toBeLessThan(5);
  });

  it('cuts each poll request timeout to what is left before the deadline', async () => {
    const { client, double } = fakeClient(() => job('PROCESSING'));
    Object.defineProperty(client, 'timeout', { value: 60_000 });
    await settle(waitForCompletion(client, 42, { maxWait: 10_000 }));
    const timeouts = double.getExportJob.mock.calls.map(
      (call) => (call as unknown as [number, { timeout: number }])[1].timeout,
    );
    expect(timeouts[0]).toBe(10_000);
    expect(timeouts.at(-1)).toBeLessThanOrEqual(1);
    for (const timeout of timeouts) expect(timeout).toBeLessThanOrEqual(10_000);
  });

  it('keeps polling through an unknown status', async () => {
    const { client } = fakeClient((now) => (now < 10_000 ? job('QUEUED_SOMEWHERE') : job('SUCCEEDED')));
    await expect(settle(waitForCompletion(client, 42))).resolves.toMatchObject({ value: { status: 'SUCCEEDED' } });
  });

  it('reports each poll and each status change', async () => {
    const { client } = fakeClient((now) =>
      now < 3_000 ? job('NEW') : now < 9_000 ? job('PROCESSING') : job('SUCCEEDED'),
    );
    const onPoll = vi.fn<(job: ExportJob, attempt: number) => void>();
    const changes: string[] = [];
    await settle(
      waitForCompletion(client, 42, {
        onPoll,
        onStatusChange: (previous, current) => changes.push(`${previous?.status ?? '-'}>${current.status}`),
      }),
    );
    expect(changes).toEqual(['->NEW', 'NEW>PROCESSING', 'PROCESSING>SUCCEEDED']);
    expect(onPoll.mock.calls.map(([, attempt]) => attempt)).toEqual(onPoll.mock.calls.map((_, index) => index + 1));
  });

  it.each([
    ['a 503', () => apiError(ServerError, 503)],
    ['a 429', () => apiError(RateLimitError, 429)],
    ['a dropped connection', () => new ConnectionError('dropped', { code: 'ECONNRESET' })],
    ['a timeout', () => new TimeoutError('slow', { timeout: 1_000 })],
  ])('keeps waiting through %s', async (_, makeError) => {
    let calls = 0;
    const { client } = fakeClient(() => (++calls <= 2 ? makeError() : job('SUCCEEDED')));
    await expect(settle(waitForCompletion(client, 42))).resolves.toMatchObject({ value: { status: 'SUCCEEDED' } });
    expect(calls).toBe(3);
  });

  it('honours Retry-After while polling', async () => {
    let calls = 0;
    const { client, polls } = fakeClient(() =>
      ++calls === 1 ? apiError(RateLimitError, 429, 12_000) : job('SUCCEEDED'),
    );
    await settle(waitForCompletion(client, 42));
    expect(polls).toEqual([0, 12_000]);
  });

  it.each([
    ['401', () => apiError(AuthenticationError, 401), AuthenticationError],
    ['403', () => apiError(PermissionDeniedError, 403), PermissionDeniedError],
    ['404', () => apiError(NotFoundError, 404), NotFoundError],
  ])('ends the wait on a %s with its typed error carrying the job id', async (_, makeError, ErrorClass) => {
    const { client, polls } = fakeClient(() => makeError());
    const { error } = await settle(waitForCompletion(client, 42));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ jobId: 42 });
    expect(polls).toHaveLength(1);
  });

  it('rejects promptly with the abort reason and leaves no timer behind', async () => {
    const { client, polls } = fakeClient(() => job('PROCESSING'));
    const controller = new AbortController();
    const result = waitForCompletion(client, 42, { signal: controller.signal });
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(7_000);
    const reason = new Error('deploy is shutting down');
    controller.abort(reason);
    await expect(settled).resolves.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(polls.length).toBeGreaterThan(1);
  });

  it('cancels the job on abort when cancelOnAbort is set, still rejecting with the abort reason', async () => {
    const { client, cancels } = fakeClient(() => job('PROCESSING'));
    const controller = new AbortController();
    const onCancel = vi.fn();
    const settled = waitForCompletion(client, 42, { signal: controller.signal, cancelOnAbort: true, onCancel }).catch(
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(3_000);
    controller.abort('interrupted');
    await expect(settled).resolves.toBe('interrupted');
    expect(cancels).toHaveLength(1);
    expect(onCancel).toHaveBeenCalledWith({ ok: true, message: 'Export job has been marked for cancelling' });
  });

  it('cancels the job at the deadline and reports a failed cancel without masking the timeout', async () => {
    const { client, double } = fakeClient(() => job('PROCESSING'));
    double.cancelExportJob.mockRejectedValueOnce(apiError(ServerError, 503));
    const { error } = await settle(waitForCompletion(client, 42, { maxWait: 60_000, cancelOnAbort: true }));
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).cancel).toMatchObject({ ok: false, error: { status: 503 } });
  });

  it('refuses bounds that make no sense', async () => {
    const { client } = fakeClient(() => job('NEW'));
    await expect(waitForCompletion(client, 42, { minDelay: 0 })).rejects.toThrow(/minDelay/);
    await expect(waitForCompletion(client, 42, { minDelay: 10_000, maxDelay: 5_000 })).rejects.toThrow(/maxDelay/);
  });
});

describe('createAndWait', () => {
  it('creates the job, tells of it, then waits for it', async () => {
    const { client, double } = fakeClient((now) => (now < 4_000 ? job('NEW') : job('SUCCEEDED')));
    const onCreated = vi.fn();
    const { value } = await settle(createAndWait(client, validRequest, { onCreated }));
    expect(value?.status).toBe('SUCCEEDED');
    expect(double.createExportJob).toHaveBeenCalledWith(validRequest, {});
    expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ id: 42 }));
  });

  it('puts the created job id on the error when the wait fails', async () => {
    const { client } = fakeClient(() => job('PROCESSING'));
    const { error } = await settle(createAndWait(client, validRequest, { maxWait: 10_000 }));
    expect(error).toMatchObject({ name: 'WaitTimeoutError', jobId: 42 });
  });
});
