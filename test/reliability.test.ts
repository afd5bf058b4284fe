/**
 * Reliability suite: the SDK against a real loopback HTTP server that misbehaves (connection resets,
 * stalls, truncated and HTML bodies, rate limits, outages, redirects, foreign links, expired tokens).
 * Every test goes through the public API (`ExportJobsClient`, `paginateExportJobs`,
 * `waitForCompletion`) and ends in a result or the SDK's documented typed error. The last block
 * checks the suite as a whole: no unhandled rejection, no request to the foreign origin, and no
 * secret in any error or log line. docs/reliability.md tabulates the outcomes.
 */
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  ExportJobsClient,
  ExportJobsError,
  NotFoundError,
  PaginationError,
  RateLimitError,
  UnsafeResponseError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  paginateExportJobs,
  waitForCompletion,
  type CreateExportJobRequest,
  type ExportJobsClientOptions,
} from '../src/index.js';
import { jobBody } from './helpers/msw.js';
import {
  delayHeaders,
  htmlPage,
  json,
  noContent,
  rateLimited,
  redirect,
  resetBeforeHeaders,
  resetMidBody,
  startFaultServer,
  stallBody,
  text,
  truncatedJson,
  unauthorized,
  unavailable,
  type FaultServer,
} from './helpers/fault-server.js';

// These tests pin the transport's retry rule for a create on its own; what happens after an
// ambiguous create (the look-up, one resend) has its own suite in test/reconcile.test.ts.
const PLAIN_RULE = { reconcile: false } as const;
const TOKEN = 'eyJ-reliability-SECRET-access-token-7f3a9c51';
const CLIENT_SECRET = 'p8e-reliability-SECRET-client-secret-0b1d';
const IMS_TOKEN = (n: number) => `ims-SECRET-token-${n}-5e2c`;
/** Everything that must never show in an error or a log line. */
const SECRETS = [TOKEN, CLIENT_SECRET, IMS_TOKEN(1), IMS_TOKEN(2), IMS_TOKEN(3)];

const BASE_PATH = '/data/core/ups';
const JOBS = `${BASE_PATH}/export/jobs`;
const IMS_PATH = '/ims/token/v3';
/** Timeout for the tests that meet a stalled server: short, so a test stays well under a second. */
const SHORT_TIMEOUT = 80;

let api: FaultServer;
let foreign: FaultServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const logLines: string[] = [];
const seenErrors: unknown[] = [];

const logger = {
  debug: (message: string, fields?: Record<string, unknown>) =>
    logLines.push(`${message} ${JSON.stringify(fields ?? {})}`),
  warn: (message: string, fields?: Record<string, unknown>) =>
    logLines.push(`WARN ${message} ${JSON.stringify(fields ?? {})}`),
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  api = await startFaultServer();
  foreign = await startFaultServer();
  // The foreign origin answers everything as a success: a client that followed a link or redirect
  // there would "work", so only the recorded requests tell.
  for (const method of ['GET', 'POST', 'DELETE']) foreign.route(method, /.*/, json(jobBody()));
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all([api?.close(), foreign?.close()]);
});

beforeEach(() => {
  // Backoff without Retry-After is `random() * base`: 0 ms here, so retries cost no real time.
  vi.spyOn(Math, 'random').mockReturnValue(0);
});

afterEach(() => {
  expect(api.unmatched, 'requests no route answered').toEqual([]);
  api.reset();
});

function client(overrides: Partial<ExportJobsClientOptions> = {}): ExportJobsClient {
  return new ExportJobsClient({
    accessToken: TOKEN,
    apiKey: 'reliability-client-id',
    orgId: '1BD6382559DF0C130A49422D@AdobeOrg',
    sandboxName: 'dev',
    baseUrl: `${api.origin}${BASE_PATH}`,
    timeout: 2_000,
    maxRetries: 2,
    logger,
    ...overrides,
  });
}

const request: CreateExportJobRequest = {
  fields: 'identities.id,personalEmail.address',
  filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', status: ['realized'] }] },
  destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false },
  schema: { name: '_xdm.context.profile' },
};

/** Awaits a rejection, keeps the error for the suite-wide secret check, and returns it. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (reason: unknown) => reason,
  );
  seenErrors.push(error);
  expect(secretsIn(error)).toEqual([]);
  return error;
}

/**
 * Every secret found in an error's message, stack, JSON and `util.inspect` output (with its causes),
 * plus a note if one of these views throws: errors promise to be safe to log and serialise.
 */
function secretsIn(error: unknown): string[] {
  const views: string[] = [];
  const problems: string[] = [];
  const view = (name: string, render: () => string | undefined) => {
    try {
      views.push(render() ?? '');
    } catch (caught) {
      problems.push(`${name} threw ${String(caught)}`);
    }
  };
  view('message', () => (error instanceof Error ? `${error.message}\n${error.stack}` : String(error)));
  view('JSON.stringify(error)', () => JSON.stringify(error));
  view('util.inspect(error)', () => inspect(error, { depth: Infinity, showHidden: true }));
  return [...problems, ...SECRETS.filter((secret) => views.some((text) => text.includes(secret)))];
}

const gets = (path = JOBS) => api.requestsFor('GET', path);
const posts = () => api.requestsFor('POST', JOBS);

// ---------------------------------------------------------------------------------------------

describe('connection resets', () => {
  it('a get whose connection is reset mid-body is retried and returns the job', async () => {
    api.route('GET', `${JOBS}/100`, resetMidBody(jobBody()), json(jobBody()));
    const job = await client().getExportJob(100);
    expect(job.id).toBe(100);
    expect(gets()).toHaveLength(2);
  });

  it('a get reset mid-body on every attempt ends in ConnectionError after 1 + 2 retries', async () => {
    api.route('GET', `${JOBS}/100`, resetMidBody(jobBody()));
    const error = await failure(client().getExportJob(100));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(gets()).toHaveLength(3);
  });

  it('a create whose connection is reset mid-body is sent exactly once and throws ConnectionError', async () => {
    api.route('POST', JOBS, resetMidBody(jobBody()), json(jobBody({ id: 101 })));
    const error = await failure(client().createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(posts()).toHaveLength(1);
  });

  it('a get whose connection is reset before the headers is retried and returns the job', async () => {
    api.route('GET', `${JOBS}/100`, resetBeforeHeaders(), json(jobBody()));
    const job = await client().getExportJob(100);
    expect(job.id).toBe(100);
    expect(gets()).toHaveLength(2);
  });

  it('a create whose connection is reset before the headers is sent exactly once and throws ConnectionError', async () => {
    api.route('POST', JOBS, resetBeforeHeaders(), json(jobBody({ id: 101 })));
    const error = await failure(client().createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBeDefined();
    expect(posts()).toHaveLength(1);
  });

  it('a create to a port that refuses connections is retried (nothing reached a server) and ends in ConnectionError ECONNREFUSED', async () => {
    const closed = await startFaultServer();
    const port = closed.port;
    await closed.close();
    const lines = logLines.length;
    const error = await failure(
      client({ baseUrl: `http://127.0.0.1:${port}${BASE_PATH}` }).createExportJob(request, PLAIN_RULE),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('ECONNREFUSED');
    expect((error as ConnectionError).requestIds).toHaveLength(3);
    expect(logLines.slice(lines).filter((line) => line.startsWith('POST /export/jobs'))).toHaveLength(3);
  });
});

describe('timeouts', () => {
  it('a get whose headers come after the timeout is retried and ends in TimeoutError after 1 + 2 retries', async () => {
    api.route('GET', `${JOBS}/100`, delayHeaders(10_000, json(jobBody())));
    const started = Date.now();
    const error = await failure(client({ timeout: SHORT_TIMEOUT }).getExportJob(100));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(SHORT_TIMEOUT);
    expect((error as TimeoutError).requestIds).toHaveLength(3);
    expect(gets()).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a get that times out once and then answers returns the job', async () => {
    api.route('GET', `${JOBS}/100`, delayHeaders(10_000), json(jobBody()));
    const job = await client({ timeout: SHORT_TIMEOUT }).getExportJob(100);
    expect(job.id).toBe(100);
    expect(gets()).toHaveLength(2);
  });

  it('a create whose headers come after the timeout is sent exactly once and throws TimeoutError', async () => {
    api.route('POST', JOBS, delayHeaders(10_000, json(jobBody())), json(jobBody({ id: 101 })));
    const error = await failure(client({ timeout: SHORT_TIMEOUT }).createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(posts()).toHaveLength(1);
  });

  it('a get whose body stalls after the headers ends in TimeoutError, not a hang', async () => {
    api.route('GET', `${JOBS}/100`, stallBody(jobBody()));
    const started = Date.now();
    const error = await failure(client({ timeout: SHORT_TIMEOUT, maxRetries: 0 }).getExportJob(100));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(gets()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('one timeout bounds an attempt as a whole: late headers followed by a stalled body still time out within it', async () => {
    const timeout = 300;
    api.route('GET', `${JOBS}/100`, delayHeaders(240, stallBody(jobBody())));
    const started = Date.now();
    const error = await failure(client({ timeout, maxRetries: 0 }).getExportJob(100));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    // The option reads "per-attempt timeout, covering the response headers and body": 300 ms, plus slack
    // for a loaded machine, but not a second full timeout for the body (240 + 300 = 540 ms).
    expect(elapsed).toBeLessThan(timeout + 150);
  });

  it('a create whose body stalls after the headers is sent exactly once and throws TimeoutError', async () => {
    api.route('POST', JOBS, stallBody(jobBody()), json(jobBody({ id: 101 })));
    const error = await failure(client({ timeout: SHORT_TIMEOUT }).createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(posts()).toHaveLength(1);
  });
});

describe('bodies that are not the documented JSON', () => {
  it('a 200 get with truncated JSON throws ResponseValidationError with the raw body, without retrying', async () => {
    api.route('GET', `${JOBS}/100`, truncatedJson(jobBody()));
    const error = await failure(client().getExportJob(100));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).status).toBe(200);
    expect((error as ResponseValidationError).body).toMatch(/^\{"id":100,/);
    expect((error as ResponseValidationError).message).toMatch(/invalid JSON/);
    expect(gets()).toHaveLength(1);
  });

  it('a 200 create with truncated JSON throws ResponseValidationError and is sent exactly once', async () => {
    api.route('POST', JOBS, truncatedJson(jobBody()));
    const error = await failure(client().createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(posts()).toHaveLength(1);
  });

  it('a 200 list with truncated JSON throws ResponseValidationError', async () => {
    api.route('GET', JOBS, truncatedJson({ records: [jobBody(), jobBody({ id: 99 })], page: {}, link: { next: '' } }));
    const error = await failure(client().listExportJobs({ limit: 2 }));
    expect(error).toBeInstanceOf(ResponseValidationError);
  });

  it('a 200 get with an empty body throws ResponseValidationError saying so', async () => {
    api.route('GET', `${JOBS}/100`, text('', 200, { 'content-type': 'application/json' }));
    const error = await failure(client().getExportJob(100));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).message).toMatch(/empty body/);
  });

  it('a 500 whose JSON body is nested 100 000 deep ends in a ServerError that JSON.stringify and util.inspect still handle', async () => {
    const depth = 100_000;
    api.route(
      'GET',
      `${JOBS}/100`,
      text(`{"detail":${'['.repeat(depth)}${']'.repeat(depth)}}`, 500, { 'content-type': 'application/json' }),
    );
    // failure() also checks that JSON.stringify(error) and util.inspect(error) do not throw.
    const error = await failure(client({ maxRetries: 0 }).getExportJob(100));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).message.length).toBeLessThan(1_000);
  });

  it('an HTML 502 page is retried for a get and ends in ServerError whose message gives the page title, not the markup', async () => {
    api.route('GET', `${JOBS}/100`, htmlPage(502, '502 Bad Gateway'));
    const error = await failure(client().getExportJob(100));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(502);
    expect((error as ServerError).message).toMatch(/HTML response.*502 Bad Gateway/);
    expect((error as ServerError).message).not.toMatch(/<html|<title|<center/i);
    expect((error as ServerError).body).toMatch(/<title>502 Bad Gateway<\/title>/);
    expect(gets()).toHaveLength(3);
  });

  it('an HTML 502 page then a job returns the job for a get', async () => {
    api.route('GET', `${JOBS}/100`, htmlPage(502), json(jobBody()));
    await expect(client().getExportJob(100)).resolves.toMatchObject({ id: 100 });
    expect(gets()).toHaveLength(2);
  });

  it('an HTML 502 page on create throws ServerError and the create is sent exactly once', async () => {
    api.route('POST', JOBS, htmlPage(502), json(jobBody({ id: 101 })));
    const error = await failure(client().createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(ServerError);
    expect(posts()).toHaveLength(1);
  });
});

describe('rate limits and outages', () => {
  it('a 429 with Retry-After on every attempt ends in RateLimitError after 1 + 2 retries', async () => {
    api.route('GET', `${JOBS}/100`, rateLimited(0));
    const error = await failure(client().getExportJob(100));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(0);
    expect((error as RateLimitError).code).toBe('429001');
    expect(gets()).toHaveLength(3);
  });

  it('a create that meets a 429 is retried (the server did not act) and returns the job', async () => {
    api.route('POST', JOBS, rateLimited(0), json(jobBody({ id: 101 })));
    const job = await client().createExportJob(request);
    expect(job.id).toBe(101);
    expect(posts()).toHaveLength(2);
  });

  it('a 503 then a job returns the job for a get', async () => {
    api.route('GET', `${JOBS}/100`, unavailable(0), json(jobBody()));
    await expect(client().getExportJob(100)).resolves.toMatchObject({ id: 100, status: 'NEW' });
    expect(gets()).toHaveLength(2);
  });

  it('a 503 without Retry-After then a job returns the job (backoff, no real wait)', async () => {
    api.route('GET', `${JOBS}/100`, unavailable(), json(jobBody()));
    await expect(client().getExportJob(100)).resolves.toMatchObject({ id: 100 });
    expect(gets()).toHaveLength(2);
  });

  it('a 503 on create throws ServerError and the create is sent exactly once', async () => {
    api.route('POST', JOBS, unavailable(0), json(jobBody({ id: 101 })));
    const error = await failure(client().createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(503);
    expect(posts()).toHaveLength(1);
  });

  it('a cancel that meets a 503 is retried and resolves with status true on the 204', async () => {
    api.route('DELETE', `${JOBS}/100`, unavailable(0), noContent());
    await expect(client().cancelExportJob(100)).resolves.toEqual({ status: true });
    expect(api.requestsFor('DELETE')).toHaveLength(2);
  });
});

describe('redirects and foreign links', () => {
  it.each([301, 302, 303, 307, 308])(
    'a %i redirect to another origin is not followed and throws ApiError',
    async (status) => {
      api.route('GET', `${JOBS}/100`, redirect(`${foreign.origin}${JOBS}/100`, status));
      const before = foreign.requests.length;
      const error = await failure(client().getExportJob(100));
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(status);
      expect((error as ApiError).headers.location).toBe(`${foreign.origin}${JOBS}/100`);
      expect(gets()).toHaveLength(1);
      expect(foreign.requests.length).toBe(before);
    },
  );

  it('a 302 on create is not followed, throws ApiError, and the create is sent exactly once', async () => {
    api.route('POST', JOBS, redirect(`${foreign.origin}${JOBS}`, 302));
    const before = foreign.requests.length;
    const error = await failure(client().createExportJob(request, PLAIN_RULE));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(302);
    expect(posts()).toHaveLength(1);
    expect(foreign.requests.length).toBe(before);
  });

  it.each([
    ['an absolute URL', (origin: string) => `${origin}${BASE_PATH}/export/jobs/?limit=1&offset=1538615973895_100`],
    [
      'a protocol-relative URL',
      (origin: string) => `//${origin.replace('http://', '')}/export/jobs/?limit=1&offset=1538615973895_100`,
    ],
    [
      'a backslash URL',
      (origin: string) => `/\\${origin.replace('http://', '')}/export/jobs/?limit=1&offset=1538615973895_100`,
    ],
  ])(
    'a list page whose link.next is %s to another origin ends pagination in PaginationError after the first page',
    async (_kind, link) => {
      const next = link(foreign.origin);
      api.route('GET', JOBS, json({ records: [jobBody()], page: { pageSize: 1 }, link: { next } }));
      const before = foreign.requests.length;
      const seen: number[] = [];
      const error = await failure(
        (async () => {
          for await (const job of paginateExportJobs(client(), { limit: 1 })) seen.push(job.id);
        })(),
      );
      expect(error).toBeInstanceOf(PaginationError);
      expect((error as PaginationError).cause).toBeInstanceOf(UnsafeResponseError);
      expect((error as PaginationError).pages).toBe(1);
      expect((error as PaginationError).items).toBe(1);
      expect(seen).toEqual([100]);
      expect(gets()).toHaveLength(1);
      expect(foreign.requests.length).toBe(before);
    },
  );

  it('pagination rides out a reset and an HTML 502 on the second page and yields every job', async () => {
    const page1 = {
      records: [jobBody({ id: 3 })],
      page: {},
      link: { next: '/export/jobs/?limit=1&offset=1538615973895_3' },
    };
    const page2 = { records: [jobBody({ id: 2 })], page: {}, link: { next: '' } };
    api.route('GET', JOBS, json(page1));
    api.route('GET', `${JOBS}/`, resetMidBody(page2), htmlPage(502), json(page2));
    const jobs = await paginateExportJobs(client(), { limit: 1 }).toArray({ maxItems: 10 });
    expect(jobs.map((job) => job.id)).toEqual([3, 2]);
    expect(gets(`${JOBS}/?`).map((request) => request.path)).toEqual(
      Array(3).fill(`${JOBS}/?limit=1&offset=1538615973895_3`),
    );
  });

  it('pagination whose second page keeps failing ends in PaginationError with the cursor to resume from', async () => {
    const next = '/export/jobs/?limit=1&offset=1538615973895_3';
    api.route('GET', JOBS, json({ records: [jobBody({ id: 3 })], page: {}, link: { next } }));
    api.route('GET', `${JOBS}/`, htmlPage(502));
    const error = await failure(paginateExportJobs(client(), { limit: 1 }).toArray({ maxItems: 10 }));
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).cursor).toBe(next);
    expect((error as PaginationError).cause).toBeInstanceOf(ServerError);
  });
});

describe('authentication', () => {
  /** IMS on the API's own server: issues IMS_TOKEN(1), IMS_TOKEN(2)... */
  function serveIms(): void {
    let issued = 0;
    api.route('POST', IMS_PATH, (res, context) => {
      issued++;
      json({ access_token: IMS_TOKEN(issued), token_type: 'bearer', expires_in: 86_399 })(res, context);
    });
  }
  const oauthClient = (overrides: Partial<ExportJobsClientOptions> = {}) =>
    client({
      accessToken: undefined,
      apiKey: undefined,
      credentials: {
        clientId: 'reliability-client-id',
        clientSecret: CLIENT_SECRET,
        imsUrl: `${api.origin}${IMS_PATH}`,
      },
      ...overrides,
    });

  it('a 401 with OAuth credentials renews the token at IMS once, replays the get, and returns the job', async () => {
    serveIms();
    api.route('GET', `${JOBS}/100`, unauthorized(), json(jobBody()));
    const job = await oauthClient().getExportJob(100);
    expect(job.id).toBe(100);
    const ims = api.requestsFor('POST', IMS_PATH);
    expect(ims).toHaveLength(2);
    expect(new URLSearchParams(ims[0]!.body).get('client_secret')).toBe(CLIENT_SECRET);
    expect(gets().map((request) => request.headers.authorization)).toEqual([
      `Bearer ${IMS_TOKEN(1)}`,
      `Bearer ${IMS_TOKEN(2)}`,
    ]);
    // The client secret travels to IMS only.
    for (const request of gets()) expect(JSON.stringify(request)).not.toContain(CLIENT_SECRET);
  });

  it('a create that meets a 401 is replayed once with the renewed token (the server did not act) and returns the job', async () => {
    serveIms();
    api.route('POST', JOBS, unauthorized(), json(jobBody({ id: 101 })));
    const job = await oauthClient().createExportJob(request);
    expect(job.id).toBe(101);
    expect(posts().map((request) => request.headers.authorization)).toEqual([
      `Bearer ${IMS_TOKEN(1)}`,
      `Bearer ${IMS_TOKEN(2)}`,
    ]);
  });

  it('a 401 that persists after the renewal ends in AuthenticationError after exactly one replay', async () => {
    serveIms();
    api.route('GET', `${JOBS}/100`, unauthorized());
    const error = await failure(oauthClient().getExportJob(100));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('401013');
    expect(gets()).toHaveLength(2);
    expect(api.requestsFor('POST', IMS_PATH)).toHaveLength(2);
  });

  it('an IMS answering 503 then a token is retried and the get succeeds', async () => {
    let issued = 0;
    api.route('POST', IMS_PATH, unavailable(0), (res, context) =>
      json({ access_token: IMS_TOKEN(++issued), expires_in: 86_399 })(res, context),
    );
    api.route('GET', `${JOBS}/100`, json(jobBody()));
    await expect(oauthClient().getExportJob(100)).resolves.toMatchObject({ id: 100 });
    expect(api.requestsFor('POST', IMS_PATH)).toHaveLength(2);
    expect(gets()[0]!.headers.authorization).toBe(`Bearer ${IMS_TOKEN(1)}`);
  });

  it('an IMS reset mid-body is retried and the get succeeds', async () => {
    api.route(
      'POST',
      IMS_PATH,
      resetMidBody({ access_token: IMS_TOKEN(3), expires_in: 86_399 }),
      json({ access_token: IMS_TOKEN(1), expires_in: 86_399 }),
    );
    api.route('GET', `${JOBS}/100`, json(jobBody()));
    await expect(oauthClient().getExportJob(100)).resolves.toMatchObject({ id: 100 });
    expect(api.requestsFor('POST', IMS_PATH)).toHaveLength(2);
  });
});

describe('waitForCompletion', () => {
  it('rides out a reset, a timeout, an HTML 502, a 429 and a 503 between polls and resolves with the SUCCEEDED job', async () => {
    api.route(
      'GET',
      `${JOBS}/7`,
      json(jobBody({ id: 7, status: 'NEW' })),
      resetMidBody(jobBody({ id: 7, status: 'PROCESSING' })),
      delayHeaders(10_000),
      htmlPage(502),
      rateLimited(0),
      unavailable(0),
      json(jobBody({ id: 7, status: 'PROCESSING' })),
      json(jobBody({ id: 7, status: 'SUCCEEDED', batchId: 'b' })),
    );
    const statuses: string[] = [];
    const job = await waitForCompletion(client(), 7, {
      minDelay: 1,
      maxDelay: 2,
      maxWait: 5_000,
      timeout: SHORT_TIMEOUT,
      onStatusChange: (_previous, next) => statuses.push(next.status),
    });
    expect(job.status).toBe('SUCCEEDED');
    expect(statuses).toEqual(['NEW', 'PROCESSING', 'SUCCEEDED']);
    // One request per poll: the wait does its own retrying (maxRetries 0 per poll).
    expect(gets(`${JOBS}/7`)).toHaveLength(8);
  });

  it('ends in the poll error when the job id is refused by a 404, without more polls', async () => {
    api.route(
      'GET',
      `${JOBS}/7`,
      json(
        {
          errors: { '404': [{ code: 'UPAPI-113430-404', message: 'Export job not found' }] },
          title: 'Not Found',
          status: 404,
        },
        404,
      ),
    );
    const error = await failure(waitForCompletion(client(), 7, { minDelay: 1, maxDelay: 2, maxWait: 5_000 }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ExportJobsError).jobId).toBe(7);
    expect(gets(`${JOBS}/7`)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Suite-wide properties: these run last (vitest runs a file's tests in order).

describe('the whole suite', () => {
  it('sent no request at all to the foreign origin, so no token reached it', () => {
    expect(foreign.requests).toEqual([]);
  });

  it('ended every failure in a typed ExportJobsError', () => {
    expect(seenErrors.length).toBeGreaterThan(20);
    const untyped = seenErrors
      .filter((error) => !(error instanceof ExportJobsError))
      .map((error) => String(error).slice(0, 200));
    expect(untyped).toEqual([]);
  });

  it('put no access token or client secret in any error (message, JSON, util.inspect) or log line', () => {
    expect(logLines.length).toBeGreaterThan(50);
    const leaking = seenErrors
      .map((error) => ({ error: String(error).slice(0, 120), problems: secretsIn(error) }))
      .filter(({ problems }) => problems.length > 0);
    expect(leaking).toEqual([]);
    expect(logLines.filter((line) => SECRETS.some((secret) => line.includes(secret)))).toEqual([]);
  });

  it('met no unhandled rejection', async () => {
    // Let any rejection still queued surface first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });
});
