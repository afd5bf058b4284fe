/**
 * Promise: a call's `signal` ends every wait inside the call within 100 ms of the abort, the token
 * request included, and rejects with the signal's own reason; one caller's abort never fails the
 * others sharing the same in-flight token request. The attacker is a loopback server that stalls:
 * an IMS that never answers, headers that never come, a body (or an error body) that stops half-way,
 * a 503 asking for a long wait. Real timers: the point is the clock.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OAuthTokenProvider, type TokenProvider } from '../../src/index.js';
import type { ExportJobsClientOptions } from '../../src/index.js';
import { attackedClient, MINIMAL_JOB } from './attacker.js';

/** The promise's bound, in ms. Measured figures are printed; they are a few ms. */
const WITHIN = 100;
const ABORT_AT = 200;

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let baseUrl: string;
/** Requests per path, and how many of them the client hung up on. */
const seen = { requests: new Map<string, number>(), closed: 0 };
/** Responses held open by a stalling handler, answered or ended by the test. */
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://x').pathname;
    seen.requests.set(path, (seen.requests.get(path) ?? 0) + 1);
    response.on('close', () => {
      if (!response.writableFinished) seen.closed++;
    });
    (routes.get(path) ?? stall)(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const response of held.splice(0)) response.destroy();
  routes.clear();
  seen.requests.clear();
  seen.closed = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const IMS = '/ims/token/v3';
const JOB = '/data/core/ups/export/jobs/1';
const stall: Handler = (_request, response) => void held.push(response);
const requests = (path: string) => seen.requests.get(path) ?? 0;

const credentials = () => ({ clientId: 'id', clientSecret: 'secret-value', imsUrl: `${baseUrl}${IMS}` });
const client = (extra: Partial<ExportJobsClientOptions> = {}) => attackedClient(baseUrl, extra);

/**
 * Starts `call` with a signal aborted after `at` ms; resolves with what it settled with and the
 * time from the abort to the rejection.
 */
async function abortDuring(
  call: (signal: AbortSignal) => Promise<unknown>,
  at = ABORT_AT,
): Promise<{ outcome: unknown; afterAbort: number; reason: Error }> {
  const controller = new AbortController();
  const reason = new Error('caller gave up');
  let abortedAt = 0;
  const timer = setTimeout(() => {
    abortedAt = performance.now();
    controller.abort(reason);
  }, at);
  const outcome = await call(controller.signal).then(
    (value) => value,
    (error: unknown) => error,
  );
  clearTimeout(timer);
  return { outcome, afterAbort: performance.now() - abortedAt, reason };
}

const report = (label: string, ms: number) => console.log(`${label}: rejected ${ms.toFixed(1)} ms after the abort`);

describe('the token request', () => {
  it(`IMS stalled, abort at ${ABORT_AT} ms: the call rejects within ${WITHIN} ms, IMS was asked once and hung up on`, async () => {
    const { outcome, afterAbort, reason } = await abortDuring((signal) =>
      client({ accessToken: undefined, credentials: credentials() }).getExportJob(1, { signal }),
    );
    report('IMS stalled', afterAbort);
    expect(outcome).toBe(reason);
    expect(afterAbort).toBeLessThan(WITHIN);
    // No retry behind the caller's back, and the only waiter gone, the request itself is cancelled.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests(IMS)).toBe(1);
    expect(requests(JOB)).toBe(0);
    expect(seen.closed).toBe(1);
  });

  it("one caller's abort does not fail another sharing the token request; IMS is asked once", async () => {
    routes.set(IMS, stall);
    routes.set(JOB, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(MINIMAL_JOB));
    });
    const shared = client({ accessToken: undefined, credentials: credentials() });
    const patient = shared.getExportJob(1);
    const { outcome, afterAbort, reason } = await abortDuring((signal) => shared.getExportJob(1, { signal }), 100);
    report('one of two callers aborted', afterAbort);
    expect(outcome).toBe(reason);
    expect(afterAbort).toBeLessThan(WITHIN);
    // IMS answers late: the patient caller gets its job with the token of the one request.
    const ims = held.shift()!;
    ims.writeHead(200, { 'content-type': 'application/json' });
    ims.end(JSON.stringify({ access_token: 'late-token', token_type: 'bearer', expires_in: 86_399 }));
    await expect(patient).resolves.toMatchObject({ id: 1 });
    expect(requests(IMS)).toBe(1);
  });

  it('OAuthTokenProvider.getToken({ signal }) itself rejects at the abort, and a later call starts afresh', async () => {
    const provider = new OAuthTokenProvider(credentials());
    const { outcome, afterAbort, reason } = await abortDuring((signal) => provider.getToken({ signal }));
    expect(outcome).toBe(reason);
    expect(afterAbort).toBeLessThan(WITHIN);
    routes.set(IMS, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: 'fresh-token', token_type: 'bearer', expires_in: 86_399 }));
    });
    await expect(provider.getToken()).resolves.toBe('fresh-token');
    expect(requests(IMS)).toBe(2);
  });

  it('a token function or TokenProvider that never settles (and ignores the signal) is not waited for', async () => {
    const never = new Promise<string>(() => undefined);
    const deaf: TokenProvider = { getToken: () => never };
    for (const accessToken of [() => never, deaf]) {
      const { outcome, afterAbort, reason } = await abortDuring(
        (signal) => client({ accessToken }).getExportJob(1, { signal }),
        50,
      );
      expect(outcome).toBe(reason);
      expect(afterAbort).toBeLessThan(WITHIN);
    }
    expect(requests(JOB)).toBe(0);
  });
});

describe('the API request', () => {
  it('headers that never come', async () => {
    const { outcome, afterAbort, reason } = await abortDuring((signal) => client().getExportJob(1, { signal }));
    report('headers stalled', afterAbort);
    expect(outcome).toBe(reason);
    expect(afterAbort).toBeLessThan(WITHIN);
    expect(requests(JOB)).toBe(1);
  });

  it.each([200, 500])('a %i body that stops half-way', async (status) => {
    routes.set(JOB, (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.write('{"id":1,"status":');
      held.push(response);
    });
    const { outcome, afterAbort, reason } = await abortDuring((signal) => client().getExportJob(1, { signal }));
    report(`${status} body stalled`, afterAbort);
    expect(outcome).toBe(reason);
    expect(afterAbort).toBeLessThan(WITHIN);
    expect(requests(JOB)).toBe(1);
  });

  it('the wait before a retry that the server asked to be long', async () => {
    routes.set(JOB, (_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '30' });
      response.end('{"error_code":"503","message":"later"}');
    });
    const { outcome, afterAbort, reason } = await abortDuring((signal) => client().getExportJob(1, { signal }));
    report('retry wait', afterAbort);
    expect(outcome).toBe(reason);
    expect(afterAbort).toBeLessThan(WITHIN);
    expect(requests(JOB)).toBe(1);
  });
});
