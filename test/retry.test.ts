import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { delay } from 'msw';
import { ConnectionError, ExportJobsClient, ServerError, TimeoutError } from '../src/index.js';
import { isRetryable, markFinal, retryDelay } from '../src/internal/http/retry.js';
import { ResponseTooLargeError } from '../src/errors/response-too-large-error.js';
import { RateLimitError, type ApiErrorInit } from '../src/errors/api-error.js';
import {
  JOBS_URL,
  TOKEN,
  json,
  jobBody,
  makeClient,
  networkError,
  respond,
  useMsw,
  validRequest,
} from './helpers/msw.js';

useMsw();

afterEach(() => {
  vi.useRealTimers();
});

/** Jitter off: backoff waits are 0 ms, so attempts follow at once. */
const noJitter = () => vi.spyOn(Math, 'random').mockReturnValue(0);

const fail = (status: number) => json({ error_code: String(status), message: 'failure' }, status);

type Operation = 'get' | 'list' | 'cancel' | 'create';
// These tests are about the retry rule alone: the look for a job an ambiguous create may have made
// (on by default, tested in reconcile.test.ts) is turned off, so the create's own error shows.
const RULE_ONLY = { reconcile: false } as const;
const operations: Record<
  Operation,
  {
    method: 'get' | 'post' | 'delete';
    url: string;
    call: (client: ExportJobsClient) => Promise<unknown>;
    ok: () => Response;
  }
> = {
  get: { method: 'get', url: `${JOBS_URL}/100`, call: (client) => client.getExportJob(100), ok: json(jobBody()) },
  list: { method: 'get', url: JOBS_URL, call: (client) => client.listExportJobs(), ok: json({ records: [] }) },
  cancel: {
    method: 'delete',
    url: `${JOBS_URL}/100`,
    call: (client) => client.cancelExportJob(100),
    ok: json({ status: true }),
  },
  create: {
    method: 'post',
    url: JOBS_URL,
    call: (client) => client.createExportJob(validRequest, RULE_ONLY),
    ok: json(jobBody()),
  },
};

describe('the retry matrix: attempts made with the default 2 retries against a status that never clears', () => {
  const matrix: Array<[number, Record<Operation, number>]> = [
    [400, { get: 1, list: 1, cancel: 1, create: 1 }],
    [401, { get: 1, list: 1, cancel: 1, create: 1 }],
    [403, { get: 1, list: 1, cancel: 1, create: 1 }],
    [404, { get: 1, list: 1, cancel: 1, create: 1 }],
    [408, { get: 3, list: 3, cancel: 3, create: 1 }],
    [409, { get: 1, list: 1, cancel: 1, create: 1 }],
    [429, { get: 3, list: 3, cancel: 3, create: 3 }],
    [500, { get: 3, list: 3, cancel: 3, create: 1 }],
    [501, { get: 1, list: 1, cancel: 1, create: 1 }],
    [502, { get: 3, list: 3, cancel: 3, create: 1 }],
    [503, { get: 3, list: 3, cancel: 3, create: 1 }],
    [504, { get: 3, list: 3, cancel: 3, create: 1 }],
  ];
  const cases = matrix.flatMap(([status, expected]) =>
    (Object.keys(expected) as Operation[]).map((operation) => [status, operation, expected[operation]] as const),
  );

  it.each(cases)('%i on %s makes %i attempt(s)', async (status, operation, attempts) => {
    noJitter();
    const { method, url, call } = operations[operation];
    const seen = respond(method, url, fail(status));
    await expect(call(makeClient())).rejects.toMatchObject({ status });
    expect(seen).toHaveLength(attempts);
  });
});

describe('retries', () => {
  it('retries a 503 on get until it clears, each attempt with a fresh request id', async () => {
    noJitter();
    const seen = respond('get', `${JOBS_URL}/100`, fail(503), fail(503), json(jobBody()));
    await expect(makeClient().getExportJob(100)).resolves.toMatchObject({ id: 100 });
    const ids = seen.map((request) => request.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(3);
  });

  it('sends exactly one POST when create meets a 500, and never creates a job twice', async () => {
    const seen = respond('post', JOBS_URL, fail(500), json(jobBody()));
    await expect(makeClient({ maxRetries: 5 }).createExportJob(validRequest, RULE_ONLY)).rejects.toBeInstanceOf(
      ServerError,
    );
    expect(seen).toHaveLength(1);
  });

  it('retries create after a 429, since the server did not act on it', async () => {
    noJitter();
    const seen = respond('post', JOBS_URL, fail(429), json(jobBody({ id: 9 })));
    await expect(makeClient().createExportJob(validRequest)).resolves.toMatchObject({ id: 9 });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.body).toBe(seen[1]!.body);
  });

  it('retries a dropped connection on get, and gives ConnectionError when it persists', async () => {
    noJitter();
    const seen = respond('get', `${JOBS_URL}/100`, networkError());
    const error = await makeClient()
      .getExportJob(100)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(seen).toHaveLength(3);
    expect((error as ConnectionError).requestIds).toEqual(seen.map((request) => request.headers.get('x-request-id')));
  });

  it('does not retry create after a dropped connection: the server may have acted', async () => {
    const seen = respond('post', JOBS_URL, networkError());
    await expect(makeClient().createExportJob(validRequest, RULE_ONLY)).rejects.toBeInstanceOf(ConnectionError);
    expect(seen).toHaveLength(1);
  });

  it('makes no retry with maxRetries: 0, on the client or on the call', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, fail(503));
    await expect(makeClient({ maxRetries: 0 }).getExportJob(100)).rejects.toBeInstanceOf(ServerError);
    await expect(makeClient().getExportJob(100, { maxRetries: 0 })).rejects.toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(2);
  });

  it('lists the request id of every attempt on the final error', async () => {
    noJitter();
    const seen = respond('get', `${JOBS_URL}/100`, fail(502));
    const error = (await makeClient()
      .getExportJob(100)
      .catch((caught: unknown) => caught)) as ServerError;
    expect(error.requestIds).toEqual(seen.map((request) => request.headers.get('x-request-id')));
  });
});

describe('what the policy never retries', () => {
  it('a body over maxResponseBytes: the same server would send it again', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody({ padding: 'x'.repeat(2_000) })));
    const client = makeClient({ maxResponseBytes: 1_000 });
    await expect(client.getExportJob(100)).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(seen).toHaveLength(1);
    expect(isRetryable(new ResponseTooLargeError('m', { limit: 1, status: 200 }), true)).toBe(false);
  });

  it('a failure marked final, whatever its class (a token source already retried IMS)', () => {
    const error = apiError(ServerError, 503);
    expect(isRetryable(error, true)).toBe(true);
    expect(isRetryable(markFinal(error), true)).toBe(false);
  });

  it('a token source that fails: the call does not ask it again on top of its own retries', async () => {
    let calls = 0;
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    const failing = () => {
      calls++;
      return Promise.reject(new ConnectionError('IMS unreachable', { code: 'ECONNRESET' }));
    };
    await expect(makeClient({ accessToken: failing }).getExportJob(100)).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toBe(1);
    expect(seen).toHaveLength(0);
  });
});

describe('waiting between attempts', () => {
  /** A client whose log tells when a retry has been scheduled, so fake time is advanced only then. */
  function clientWithLog() {
    const lines: string[] = [];
    const client = makeClient({ logger: { debug: (message) => lines.push(message) } });
    const retryScheduled = () => until(() => lines.some((line) => line.includes('retrying in')));
    return { client, lines, retryScheduled };
  }

  it('honours Retry-After in seconds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const seen = respond(
      'get',
      `${JOBS_URL}/100`,
      json({ error_code: '429' }, 429, { 'retry-after': '3' }),
      json(jobBody()),
    );
    const { client, lines, retryScheduled } = clientWithLog();
    const result = client.getExportJob(100);
    await retryScheduled();
    expect(lines[0]).toBe('GET /export/jobs/100 -> 429 (attempt 1, retrying in 3000 ms)');
    await vi.advanceTimersByTimeAsync(2_999);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toMatchObject({ id: 100 });
    expect(seen).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-11-22T10:00:00Z') });
    const seen = respond(
      'get',
      `${JOBS_URL}/100`,
      json({}, 503, { 'retry-after': 'Sun, 22 Nov 2026 10:00:05 GMT' }),
      json(jobBody()),
    );
    const { client, lines, retryScheduled } = clientWithLog();
    const result = client.getExportJob(100);
    await retryScheduled();
    expect(lines[0]).toBe('GET /export/jobs/100 -> 503 (attempt 1, retrying in 5000 ms)');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toMatchObject({ id: 100 });
  });

  it('honours a body retryAfterMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const seen = respond('get', `${JOBS_URL}/100`, json({ retryAfterMs: 1_200 }, 429), json(jobBody()));
    const { client, retryScheduled } = clientWithLog();
    const result = client.getExportJob(100);
    await retryScheduled();
    await vi.advanceTimersByTimeAsync(1_199);
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toMatchObject({ id: 100 });
  });

  it('caps a server wait at 60 seconds', () => {
    const error = apiError(RateLimitError, 429, 3_600_000);
    expect(retryDelay(error, 1)).toBe(60_000);
  });

  it('backs off exponentially with full jitter when the server gives no wait', () => {
    const error = apiError(ServerError, 503);
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(error, attempt, () => 1))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(retryDelay(error, 3, () => 0)).toBe(0);
    expect(retryDelay(error, 3, () => 0.5)).toBe(1000);
  });

  it('ends the wait between attempts at once when the caller aborts, rejecting with their reason', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const seen = respond('get', `${JOBS_URL}/100`, json({}, 503, { 'retry-after': '30' }));
    const controller = new AbortController();
    const { client, retryScheduled } = clientWithLog();
    const result = client.getExportJob(100, { signal: controller.signal });
    const settled = expect(result).rejects.toBe('caller gave up');
    await retryScheduled();
    // Node's HTTP stack keeps timers of its own; the SDK's wait must be the one that goes.
    const pending = vi.getTimerCount();
    controller.abort('caller gave up');
    await settled;
    expect(seen).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(pending - 1);
  });
});

/** Lets real I/O run (setImmediate is not faked) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !condition(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

describe('abort and timeout', () => {
  it('rejects with the caller abort reason while the request is in flight', async () => {
    respond('get', `${JOBS_URL}/100`, () => {
      throw new Error('unreachable');
    });
    server_hang();
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const result = makeClient().getExportJob(100, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 5);
    await expect(result).rejects.toBe(reason);
  });

  it('rejects at once, sending nothing, when the signal is already aborted', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(makeClient().getExportJob(100, { signal: controller.signal })).rejects.toThrow('already');
    expect(seen).toHaveLength(0);
  });

  it('times out an attempt whose response never comes, retrying reads', async () => {
    noJitter();
    let attempts = 0;
    respondHanging(() => attempts++);
    const error = await makeClient({ timeout: 20 })
      .getExportJob(100)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeout: 20, message: 'GET /export/jobs/100 timed out after 20 ms' });
    expect(attempts).toBe(3);
  });

  it('never retries a create that timed out', async () => {
    let attempts = 0;
    respondHanging(() => attempts++, 'post', JOBS_URL);
    await expect(makeClient({ timeout: 20 }).createExportJob(validRequest, RULE_ONLY)).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(attempts).toBe(1);
  });
});

describe('connection refused before the request was sent', () => {
  it('retries create, since nothing reached a server', async () => {
    noJitter();
    const port = await closedPort();
    let calls = 0;
    const client = new ExportJobsClient({
      accessToken: TOKEN,
      apiKey: 'k',
      orgId: 'o',
      sandboxName: 's',
      baseUrl: `http://127.0.0.1:${port}/data/core/ups`,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    const error = await client.createExportJob(validRequest).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(calls).toBe(3);
  });
});

import { http, passthrough } from 'msw';
import { server } from './helpers/msw.js';

function server_hang(): void {
  server.use(http.get(`${JOBS_URL}/100`, async () => delay('infinite')));
}

function respondHanging(onRequest: () => void, method: 'get' | 'post' = 'get', url = `${JOBS_URL}/100`): void {
  server.use(
    http[method](url, async () => {
      onRequest();
      await delay('infinite');
      return passthrough();
    }),
  );
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  server.use(http.all(`http://127.0.0.1:${address.port}/*`, () => passthrough()));
  return address.port;
}

/** An API error of class `Type` carrying only a status and, if given, the server's wait. */
function apiError<TStatus extends number, T>(
  Type: new (init: ApiErrorInit<TStatus>) => T,
  status: TStatus,
  retryAfter?: number,
): T {
  return new Type({
    status,
    retryAfter,
    message: '',
    code: undefined,
    requestId: undefined,
    requestIds: [],
    body: undefined,
    headers: {},
  });
}
