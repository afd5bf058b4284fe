/**
 * The simulator's core, driven by the SDK client through the msw adapter (and, where the client
 * would refuse to send something, by plain fetch through the same handlers).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  type ExportJobsClient,
} from '../../src/index.js';
import {
  createClock,
  DEFAULT_MANUAL_START,
  ExportJobsSimulator,
  type ExportJobsSimulatorOptions,
} from '../../src/testing/index.js';
import { simulatorHandlers } from '../../src/testing/msw.js';
import { BASE_URL, JOBS_URL, makeClient, server, TOKEN, useMsw, validRequest } from '../helpers/msw.js';

useMsw();

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';
const SEGMENT = '52c26d0d-45f2-47a2-ab30-ed06abc981ff';
const minimalRequest = { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } };

let simulator: ExportJobsSimulator;
let client: ExportJobsClient;

function useSimulator(options: ExportJobsSimulatorOptions = {}): ExportJobsSimulator {
  simulator = new ExportJobsSimulator({ clock: 'manual', ...options });
  server.use(...simulatorHandlers(simulator, { baseUrl: BASE_URL }));
  return simulator;
}

/** The headers the client sends, for requests the client itself would refuse to make. */
function apiHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    authorization: `Bearer ${TOKEN}`,
    'x-api-key': 'my-client-id',
    'x-gw-ims-org-id': ORG,
    'x-sandbox-name': 'dev',
    'content-type': 'application/json',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** An error body of the service's create, with the fields these tests read. */
interface CreateErrorBody {
  errors: { '400': Array<{ code: string; message: string }> };
}

/** What the simulator answers a create sent as it is: an error body, or the job created (its `destination` read). */
type RawCreateBody = Partial<CreateErrorBody> & { destination?: unknown };

async function rawCreate(body: unknown): Promise<{ status: number; body: RawCreateBody }> {
  const response = await fetch(JOBS_URL, {
    method: 'POST',
    headers: apiHeaders(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as RawCreateBody };
}

beforeEach(() => {
  useSimulator();
  client = makeClient({ maxRetries: 0 });
  vi.spyOn(Math, 'random').mockReturnValue(0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('creating a job', () => {
  it('echoes the request and adds the fields the service owns', async () => {
    const job = await client.createExportJob(
      { ...validRequest, mergePolicy: { id: 'my-policy' } },
      { headers: { 'x-profile-instance-id': 'ups-2' } },
    );

    expect(job).toMatchObject({
      id: 1000,
      jobType: 'BATCH',
      status: 'NEW',
      fields: validRequest.fields,
      filter: validRequest.filter,
      schema: { name: '_xdm.context.profile' },
      destination: { datasetId: validRequest.destination.datasetId, segmentPerBatch: false },
      mergePolicy: { id: 'my-policy', version: 1 },
      imsOrgId: ORG,
      profileInstanceId: 'ups-2',
      metrics: {},
      computeGatewayJobId: {},
      creationTime: DEFAULT_MANUAL_START,
      updateTime: DEFAULT_MANUAL_START,
    });
    expect(job.destination).not.toHaveProperty('batchId');
    expect(job.requestId).toEqual(expect.any(String));
  });

  it('defaults the merge policy, answers 200 with X-Location, and counts ids up from 1000', async () => {
    const first = await fetch(JOBS_URL, {
      method: 'POST',
      headers: apiHeaders(),
      body: JSON.stringify(minimalRequest),
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-location')).toBe('/export/jobs/1000');
    expect(await first.json()).toMatchObject({
      id: 1000,
      mergePolicy: { id: 'timestampOrdered-none-mp', version: 1 },
      profileInstanceId: 'ups',
    });

    const second = await client.createExportJob(minimalRequest);
    expect(second.id).toBe(1001);
  });

  it('refuses a body without destination, datasetId or schema.name with the service error body listing each problem', async () => {
    const { status, body } = await rawCreate({ destination: {}, schema: {} });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      requestId: expect.any(String),
      type: 'https://ns.adobe.com/aep/errors/UPAPI-113434-400',
      status: 400,
    });
    expect(body.errors?.['400']).toEqual([
      { code: 'UPAPI-113434-400', message: expect.stringContaining('destination.datasetId is required') },
      { code: 'UPAPI-113434-400', message: expect.stringContaining('schema.name is required') },
    ]);

    expect((await rawCreate({ schema: { name: '_xdm.context.profile' } })).body.errors?.['400'][0]?.message).toContain(
      'destination is required',
    );
    expect(simulator.jobs()).toEqual([]);
  });

  it('refuses timestamps that are not RFC 3339, a segment without an id, and a body that is not JSON', async () => {
    const { status, body } = await rawCreate({
      ...minimalRequest,
      filter: {
        segments: [{ segmentNs: 'ups' }],
        fromIngestTimestamp: '2018-01-01 00:00:00',
        segmentQualificationTime: { startTime: '2018-01-01T00:00:00' },
      },
      additionalFields: { eventList: { filter: { toIngestTimestamp: 'yesterday' } } },
    });
    expect(status).toBe(400);
    const messages = body.errors?.['400'].map((entry) => entry.message);
    expect(messages).toEqual([
      expect.stringContaining('filter.segments[0].segmentId is required'),
      expect.stringContaining('filter.segmentQualificationTime.startTime must be an RFC 3339 timestamp'),
      expect.stringContaining('filter.fromIngestTimestamp must be an RFC 3339 timestamp'),
      expect.stringContaining('additionalFields.eventList.filter.toIngestTimestamp must be an RFC 3339 timestamp'),
    ]);

    const invalid = await rawCreate('{"destination":');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.['400'][0]?.message).toContain('There is a problem extracting the user JSON');
  });

  it('accepts timestamps with an offset and the dataSetId spelling, and sends datasetId back', async () => {
    const { status, body } = await rawCreate({
      destination: { dataSetId: 'ds-capital' },
      schema: { name: '_xdm.context.profile' },
      filter: { fromIngestTimestamp: '2018-10-25T13:22:04-07:00' },
    });
    expect(status).toBe(200);
    expect(body.destination).toEqual({ datasetId: 'ds-capital', segmentPerBatch: false });
  });

  it('surfaces a refused create as the SDK BadRequestError with the service message', async () => {
    const error = await client
      .createExportJob({ ...minimalRequest, schema: { name: '_xdm.context.experienceevent' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).code).toBe('UPAPI-113434-400');
    expect((error as BadRequestError).message).toContain('schema.name must be "_xdm.context.profile"');
  });
});

describe('a job over time', () => {
  it('moves NEW → PROCESSING → SUCCEEDED as the manual clock advances, filling batch, metrics and updateTime', async () => {
    useSimulator({ durations: { new: 1_000, processing: 10_000 }, profilesPerSegment: 40 });
    const created = await client.createExportJob(validRequest);
    const start = created.creationTime;

    simulator.advance(999);
    expect((await client.getExportJob(created.id)).status).toBe('NEW');

    simulator.advance(1);
    const processing = await client.getExportJob(created.id);
    expect(processing).toMatchObject({
      status: 'PROCESSING',
      updateTime: start + 1_000,
      destination: { segmentPerBatch: false, batchId: expect.stringMatching(/^[0-9a-f]{32}$/) },
      metrics: { totalTime: { startTimeInMs: start }, profileExportTime: { startTimeInMs: start + 1_000 } },
      computeGatewayJobId: { exportJob: expect.any(String) },
    });
    expect(processing.metrics?.totalTime).not.toHaveProperty('endTimeInMs');

    simulator.advance(7_000);
    const writing = await client.getExportJob(created.id);
    expect(writing.metrics).toMatchObject({
      profileExportTime: { startTimeInMs: start + 1_000, endTimeInMs: start + 8_000, totalTimeInMs: 7_000 },
      aCPDatasetWriteTime: { startTimeInMs: start + 8_000 },
    });
    expect(writing.updateTime).toBe(start + 8_000);

    simulator.advance(3_000);
    const done = await client.getExportJob(created.id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      updateTime: start + 11_000,
      metrics: {
        totalTime: { startTimeInMs: start, endTimeInMs: start + 11_000, totalTimeInMs: 11_000 },
        aCPDatasetWriteTime: { startTimeInMs: start + 8_000, endTimeInMs: start + 11_000, totalTimeInMs: 3_000 },
        totalExportedProfileCounter: 40,
        exportedProfileByNamespaceCounter: { ECID: 40, Email: 20 },
      },
    });
    expect(done.destination).toEqual(processing.destination);
    expect(done.errors).toBeUndefined();
  });

  it('gives a segment-per-batch job one batch per segment once it is processing', async () => {
    const segments = [
      { segmentId: 'seg-a', status: ['realized', 'exited'] as const },
      { segmentId: 'seg-b', segmentNs: 'AAM' },
    ];
    const job = await client.createExportJob({
      ...minimalRequest,
      destination: { datasetId: 'ds-1', segmentPerBatch: true },
      filter: { segments: [...segments] },
    });
    expect(job.destination).toEqual({ datasetId: 'ds-1', segmentPerBatch: true, batches: [] });

    simulator.advance(2_000);
    const processing = await client.getExportJob(job.id);
    expect(processing.destination).toEqual({
      datasetId: 'ds-1',
      segmentPerBatch: true,
      batches: [
        {
          segmentId: 'seg-a',
          segmentNs: 'ups',
          status: ['realized', 'exited'],
          batchId: expect.stringMatching(/^[0-9a-f]{32}$/),
        },
        {
          segmentId: 'seg-b',
          segmentNs: 'AAM',
          status: ['realized'],
          batchId: expect.stringMatching(/^[0-9a-f]{32}$/),
        },
      ],
    });
  });

  it('ends a job that includes a failing segment FAILED, with Adobe-shaped errors and an empty batch id', async () => {
    useSimulator({ failingSegments: [SEGMENT] });
    const job = await client.createExportJob(validRequest);
    simulator.advance(10_000);

    const failed = await client.getExportJob(job.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.errors).toEqual([
      {
        code: '0090000009',
        msg: expect.stringContaining("Error writing profiles to output path 'adl://"),
        callStack: 'com.adobe.aep.unifiedprofile.common.logging.Logger',
      },
      { code: 'unknown', msg: 'Job aborted.', callStack: 'org.apache.spark.SparkException: Job aborted.' },
    ]);
    expect(failed.destination).toMatchObject({ segmentPerBatch: false, batchId: '' });
    expect(failed.metrics).not.toHaveProperty('totalExportedProfileCounter');
  });

  it('counts profiles per segment in the metrics of a finished job', async () => {
    useSimulator({ profilesPerSegment: { 'seg-a': 7 } });
    const job = await client.createExportJob({
      ...minimalRequest,
      filter: { segments: [{ segmentId: 'seg-a' }, { segmentId: 'seg-other' }] },
    });
    simulator.advance(60_000);
    expect((await client.getExportJob(job.id)).metrics?.totalExportedProfileCounter).toBe(107);
  });

  it('adds a job without HTTP, already finished when backdated, and serves it like any other', async () => {
    const old = simulator.addJob(minimalRequest, {
      sandboxName: 'dev',
      orgId: ORG,
      createdAt: simulator.now() - 60_000,
    });
    expect(old.status).toBe('SUCCEEDED');
    expect((await client.getExportJob(old.id)).status).toBe('SUCCEEDED');
  });
});

describe('reading jobs', () => {
  it('answers 404 with the service body for an unknown id', async () => {
    const error = await client.getExportJob(4242).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      code: 'UPAPI-113430-404',
      body: {
        errors: { '404': [{ code: 'UPAPI-113430-404', message: expect.any(String) }] },
        type: 'https://ns.adobe.com/aep/errors/UPAPI-113430-404',
        status: 404,
      },
    });
  });

  it('isolates sandboxes: a job created in one is invisible, and not cancellable, from another', async () => {
    const job = await client.createExportJob(minimalRequest);
    const prod = client.withOptions({ sandboxName: 'prod' });

    await expect(prod.getExportJob(job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(prod.cancelExportJob(job.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await prod.listExportJobs()).records).toEqual([]);
    expect(simulator.jobs('dev').map((entry) => entry.id)).toEqual([job.id]);
    expect(simulator.jobs('prod')).toEqual([]);
    expect(simulator.job(job.id)?.status).toBe('NEW');
  });
});

describe('cancelling', () => {
  it('answers the spec body, stops the job progressing and reports it CANCELLED', async () => {
    const job = await client.createExportJob(minimalRequest);
    simulator.advance(3_000);

    await expect(client.cancelExportJob(job.id)).resolves.toEqual({
      status: true,
      message: 'Export job has been marked for cancelling',
    });
    simulator.advance(60_000);
    const cancelled = await client.getExportJob(job.id);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.updateTime).toBe(job.creationTime + 3_000);
    expect(cancelled.metrics?.totalTime).toEqual({
      startTimeInMs: job.creationTime,
      endTimeInMs: job.creationTime + 3_000,
      totalTimeInMs: 3_000,
    });
  });

  it('leaves a finished job as it finished, and answers 404 for an unknown one', async () => {
    const job = await client.createExportJob(minimalRequest);
    simulator.advance(10_000);
    await expect(client.cancelExportJob(job.id)).resolves.toMatchObject({ status: true });
    expect((await client.getExportJob(job.id)).status).toBe('SUCCEEDED');
    await expect(client.cancelExportJob(99)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('listing', () => {
  async function createJobs(count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let index = 0; index < count; index += 1) {
      ids.push((await client.createExportJob(minimalRequest)).id);
      simulator.advance(1_000);
    }
    return ids;
  }

  it('pages newest first with a cursor of the last record and a relative link.next, empty on the last page', async () => {
    const ids = await createJobs(5);
    const first = await client.listExportJobs({ limit: 2 });
    const [, second] = first.records;

    expect(first.records.map((job) => job.id)).toEqual([ids[4], ids[3]]);
    expect(first.page).toEqual({
      sortField: 'createdTime',
      sort: 'desc',
      pageOffset: `${second?.creationTime}_${second?.id}`,
      pageSize: 2,
    });
    expect(first.link.next).toBe(`/export/jobs/?limit=2&offset=${second?.creationTime}_${second?.id}`);

    const seen = [...first.records.map((job) => job.id)];
    let next = first.link.next;
    while (next) {
      const offset = new URL(next, 'https://placeholder.test').searchParams.get('offset') ?? '';
      const page = await client.listExportJobs({ limit: 2, offset });
      seen.push(...page.records.map((job) => job.id));
      next = page.link.next;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status and keeps the filter in link.next', async () => {
    useSimulator({ durations: { new: 1_500, processing: 0 } });
    await createJobs(4); // created at 0, 1, 2, 3 s; now 4 s: the first three are done
    const page = await client.listExportJobs({ status: 'SUCCEEDED', limit: 2 });
    expect(page.records.map((job) => job.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(page.link.next).toMatch(/^\/export\/jobs\/\?limit=2&offset=\d+_\d+&status=SUCCEEDED$/);
    expect((await client.listExportJobs({ status: 'NEW' })).records.map((job) => job.id)).toEqual([1003]);
  });

  it('returns 20 records by default', async () => {
    for (let index = 0; index < 21; index += 1)
      simulator.addJob(minimalRequest, { sandboxName: 'dev', orgId: ORG, createdAt: simulator.now() + index });
    const page = await client.listExportJobs();
    expect(page.records).toHaveLength(20);
    expect(page.link.next).not.toBe('');
  });

  it('refuses a status, limit or offset it cannot read', async () => {
    const response = await fetch(`${JOBS_URL}?status=SUCCESS&limit=0&offset=yesterday`, { headers: apiHeaders() });
    expect(response.status).toBe(400);
    const body = (await response.json()) as CreateErrorBody;
    expect(body.errors['400']).toHaveLength(3);
  });
});

describe('the gateway checks', () => {
  it('answers 403010 without Authorization, 403000 without x-api-key, 400003 without the org or sandbox header', async () => {
    const cases: Array<[Record<string, string | undefined>, number, string]> = [
      [{ authorization: undefined }, 403, '403010'],
      [{ 'x-api-key': undefined }, 403, '403000'],
      [{ 'x-gw-ims-org-id': undefined }, 400, '400003'],
      [{ 'x-sandbox-name': undefined }, 400, '400003'],
      [{ authorization: 'Basic abc' }, 401, '401013'],
    ];
    for (const [overrides, status, code] of cases) {
      const response = await fetch(`${JOBS_URL}/1000`, { headers: apiHeaders(overrides) });
      expect({ status: response.status, body: (await response.json()) as unknown }).toEqual({
        status,
        body: { error_code: code, message: expect.any(String) },
      });
    }
  });

  it('checks the credentials it was given: a wrong token is 401013, a wrong key 403003, another org 403025', async () => {
    useSimulator({ credentials: { accessToken: (token) => token === TOKEN, apiKey: 'my-client-id', orgId: ORG } });
    await expect(client.listExportJobs()).resolves.toBeDefined();

    const badToken = await makeClient({ accessToken: 'expired', maxRetries: 0 })
      .listExportJobs()
      .catch((caught: unknown) => caught);
    expect(badToken).toBeInstanceOf(AuthenticationError);
    expect(badToken).toMatchObject({ status: 401, code: '401013' });
    await expect(makeClient({ apiKey: 'other', maxRetries: 0 }).listExportJobs()).rejects.toMatchObject({
      status: 403,
      code: '403003',
    });
    const otherOrg = await makeClient({ orgId: 'OTHER@AdobeOrg', maxRetries: 0 })
      .listExportJobs()
      .catch((caught: unknown) => caught);
    expect(otherOrg).toBeInstanceOf(PermissionDeniedError);
    expect(otherOrg).toMatchObject({ code: '403025' });
  });
});

describe('fault injection', () => {
  it('answers the next request with an injected 503 and Retry-After, then normally; the client retries after the wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    simulator.inject({ kind: 'status', status: 503, retryAfter: 2 });
    const retrying = signal();
    const retryingClient = makeClient({
      maxRetries: 1,
      logger: { debug: (message) => message.includes('retrying') && retrying.fire() },
    });

    const listing = retryingClient.listExportJobs();
    await retrying.fired;
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(listing).resolves.toMatchObject({ records: [] });
    expect(simulator.requests.map((request) => request.status)).toEqual([503, 200]);
    expect(simulator.requests[0]?.faults).toEqual(['status']);
  });

  it('sends the platform problem body for a 5xx and the gateway body for a 429 unless told otherwise', async () => {
    simulator.inject({ kind: 'status', status: 500 });
    await expect(client.listExportJobs()).rejects.toMatchObject({
      status: 500,
      body: { title: 'Internal Server Error', status: 500 },
    });
    simulator.inject({ kind: 'status', status: 429, retryAfter: 1 });
    const limited = await client.listExportJobs().catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ retryAfter: 1_000, body: { error_code: '429050' } });
    simulator.inject({ kind: 'status', status: 502, body: '<html><title>Bad gateway</title></html>' });
    await expect(client.listExportJobs()).rejects.toMatchObject({
      status: 502,
      message: expect.stringContaining('HTML response'),
    });
  });

  it('applies a fault only to matching requests, as many times as asked', async () => {
    const job = await client.createExportJob(minimalRequest);
    const fault = simulator.inject(
      { kind: 'status', status: 500 },
      { times: 2, match: { method: 'GET', path: '/export/jobs/:id' } },
    );

    await expect(client.listExportJobs()).resolves.toBeDefined();
    await expect(client.getExportJob(job.id)).rejects.toBeInstanceOf(ServerError);
    await expect(client.getExportJob(job.id)).rejects.toBeInstanceOf(ServerError);
    await expect(client.getExportJob(job.id)).resolves.toMatchObject({ id: job.id });
    expect({ hits: fault.hits, remaining: fault.remaining }).toEqual({ hits: 2, remaining: 0 });
  });

  it('hits a share of requests with probability, rolled with the given random source', async () => {
    const rolls = [0.1, 0.9, 0.2, 0.8];
    useSimulator({ random: () => rolls.shift() ?? 1 });
    simulator.inject({ kind: 'status', status: 503 }, { probability: 0.5 });
    const outcomes: Array<number | string> = [];
    for (let index = 0; index < 4; index += 1) {
      outcomes.push(
        await client.listExportJobs().then(
          () => 200,
          (error: { status?: number }) => error.status ?? 'error',
        ),
      );
    }
    expect(outcomes).toEqual([503, 200, 503, 200]);
    simulator.clearFaults();
    await expect(client.listExportJobs()).resolves.toBeDefined();
  });

  it('drops the connection, which the client reports as a ConnectionError', async () => {
    simulator.inject({ kind: 'drop' });
    await expect(client.listExportJobs()).rejects.toBeInstanceOf(ConnectionError);
    expect(simulator.requests[0]?.status).toBe('dropped');
  });

  it('can drop the answer after acting, so a create is done once and never retried', async () => {
    simulator.inject({ kind: 'drop' }, { match: { method: 'POST' }, when: 'response' });
    const error = await makeClient({ maxRetries: 3 })
      .createExportJob(minimalRequest, { reconcile: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(simulator.jobs()).toHaveLength(1);
    expect(simulator.requests).toHaveLength(1);
  });

  it('lets the client find the job whose answer it dropped, so the call resolves with it and one job exists', async () => {
    simulator.inject({ kind: 'drop' }, { match: { method: 'POST' }, when: 'response' });
    const job = await makeClient({ maxRetries: 3 }).createExportJob(minimalRequest);
    expect(simulator.jobs().map((each) => each.id)).toEqual([job.id]);
    expect(simulator.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('holds an answer back by the injected latency on timers, so a short client timeout fires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    simulator.inject({ kind: 'latency', ms: 5_000 });
    const listing = makeClient({ maxRetries: 0, timeout: 1_000 }).listExportJobs();
    const settled = expect(listing).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(1_000);
    await settled;
  });

  it('answers after the latency when the client waits long enough', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    simulator.inject({ kind: 'latency', ms: 5_000 });
    const listing = client.listExportJobs();
    await vi.advanceTimersByTimeAsync(5_000);
    await expect(listing).resolves.toMatchObject({ records: [] });
  });
});

describe('inspection', () => {
  it('logs each request with its path, query, sandbox and status, and never the token', async () => {
    await client.listExportJobs({ limit: 5 });
    await client.getExportJob(77).catch(() => undefined);
    expect(simulator.requests).toMatchObject([
      { method: 'GET', path: '/export/jobs', query: { limit: '5' }, sandboxName: 'dev', status: 200, faults: [] },
      { method: 'GET', path: '/export/jobs/77', query: {}, sandboxName: 'dev', status: 404 },
    ]);
    const headers = simulator.requests[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer [redacted]');
    expect(headers['x-api-key']).toBe('my-client-id');
    expect(JSON.stringify(simulator.requests)).not.toContain(TOKEN);
  });

  it('forgets jobs, requests and faults on reset, and restarts ids at 1000', async () => {
    await client.createExportJob(minimalRequest);
    simulator.inject({ kind: 'status', status: 500 }, { times: Infinity });
    simulator.reset();
    expect([simulator.jobs(), simulator.requests]).toEqual([[], []]);
    await expect(client.createExportJob(minimalRequest)).resolves.toMatchObject({ id: 1000 });
  });

  it('refuses a create body in addJob the way the API does', () => {
    expect(() => simulator.addJob({ destination: {} })).toThrow(
      /destination\.datasetId is required[\s\S]*schema\.name is required/,
    );
  });
});

describe('the fetch adapter and the clock', () => {
  it('serves the client through its fetch option, without msw, and drops like undici', async () => {
    const standalone = new ExportJobsSimulator({ clock: 'manual' });
    const direct = makeClient({
      baseUrl: 'https://anywhere.test/data/core/ups',
      fetch: standalone.fetch,
      maxRetries: 0,
    });
    const job = await direct.createExportJob(minimalRequest);
    standalone.advance(10_000);
    await expect(direct.getExportJob(job.id)).resolves.toMatchObject({ status: 'SUCCEEDED' });

    standalone.inject({ kind: 'drop' });
    await expect(direct.getExportJob(job.id)).rejects.toMatchObject({ name: 'ConnectionError', code: 'ECONNRESET' });
  });

  it('answers a Fetch API Request directly through handle(), a dropped connection as Response.error()', async () => {
    const standalone = new ExportJobsSimulator({ clock: 'manual' });
    const request = () => new Request('https://anywhere.test/data/core/ups/export/jobs', { headers: apiHeaders() });
    const response = await standalone.handle(request());
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(await response.json()).toEqual({
      records: [],
      page: { sortField: 'createdTime', sort: 'desc', pageOffset: '', pageSize: 0 },
      link: { next: '' },
    });

    standalone.inject({ kind: 'drop' });
    expect((await standalone.handle(request())).type).toBe('error');
  });

  it('serves msw handlers mounted on another base URL than the simulator default', async () => {
    const staged = new ExportJobsSimulator({ clock: 'manual' });
    server.use(...simulatorHandlers(staged, { baseUrl: 'https://platform-stage.test/custom/prefix/' }));
    const stageClient = makeClient({ baseUrl: 'https://platform-stage.test/custom/prefix', maxRetries: 0 });
    const job = await stageClient.createExportJob(minimalRequest);
    await expect(stageClient.getExportJob(job.id)).resolves.toMatchObject({ id: 1000 });
    expect(staged.requests.map((entry) => entry.path)).toEqual(['/export/jobs', '/export/jobs/1000']);
  });

  it('reads a real clock from Date.now, so faked system time moves jobs', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-01-01T00:00:00Z') });
    const real = new ExportJobsSimulator();
    const job = real.addJob(minimalRequest);
    expect(job.creationTime).toBe(Date.parse('2025-01-01T00:00:00Z'));
    vi.setSystemTime(new Date('2025-01-01T00:00:10Z'));
    expect(real.job(job.id)?.status).toBe('SUCCEEDED');
  });

  it('never runs a clock backwards', () => {
    const clock = createClock({ mode: 'manual', start: 5 });
    clock.advance(10);
    expect(clock.now()).toBe(15);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

/** A promise the test awaits until the client's logger reports that it is about to wait and retry. */
function signal(): { fired: Promise<void>; fire: () => void } {
  let fire = () => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}
