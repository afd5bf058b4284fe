/**
 * The simulator served over real HTTP on loopback, driven by the SDK client: what the CLI and the
 * demo use. No msw here: requests go through undici and real sockets.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthenticationError,
  ConnectionError,
  ExportJobsClient,
  paginateExportJobs,
  PermissionDeniedError,
  TimeoutError,
  type ExportJobsClientOptions,
} from '../../src/index.js';
import { ExportJobsSimulator, startSimulatorServer, type SimulatorServer } from '../../src/testing/index.js';

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';
const TOKEN = 'loopback-token';
const minimalRequest = { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } };

let simulator: ExportJobsSimulator;
let server: SimulatorServer;

function makeClient(overrides: Partial<ExportJobsClientOptions> = {}): ExportJobsClient {
  return new ExportJobsClient({
    accessToken: TOKEN,
    apiKey: 'client-id',
    orgId: ORG,
    sandboxName: 'dev',
    baseUrl: server.baseUrl,
    maxRetries: 0,
    ...overrides,
  });
}

beforeEach(async () => {
  simulator = new ExportJobsSimulator({
    clock: 'manual',
    credentials: { accessToken: TOKEN, apiKey: 'client-id', orgId: ORG },
  });
  server = await startSimulatorServer(simulator);
  vi.spyOn(Math, 'random').mockReturnValue(0);
});

afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

describe('the loopback server', () => {
  it('listens on 127.0.0.1 and gives the base URL to configure the client with', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}/data/core/ups`);
  });

  it('creates, reads and cancels a job through the client', async () => {
    const client = makeClient();
    const job = await client.createExportJob({ ...minimalRequest, filter: { segments: [{ segmentId: 'seg-1' }] } });
    expect(job).toMatchObject({
      id: 1000,
      status: 'NEW',
      imsOrgId: ORG,
      destination: { datasetId: 'ds-1', segmentPerBatch: false },
    });

    simulator.advance(2_000);
    await expect(client.getExportJob(job.id)).resolves.toMatchObject({ status: 'PROCESSING' });
    await expect(client.cancelExportJob(job.id)).resolves.toEqual({
      status: true,
      message: 'Export job has been marked for cancelling',
    });
    simulator.advance(60_000);
    await expect(client.getExportJob(job.id)).resolves.toMatchObject({ status: 'CANCELLED' });
  });

  it('sends X-Location on create and a relative link.next that resolves against the base path, not the origin', async () => {
    const headers = {
      authorization: `Bearer ${TOKEN}`,
      'x-api-key': 'client-id',
      'x-gw-ims-org-id': ORG,
      'x-sandbox-name': 'dev',
    };
    const created = await fetch(`${server.baseUrl}/export/jobs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(minimalRequest),
    });
    expect(created.headers.get('x-location')).toBe('/export/jobs/1000');
    for (let index = 0; index < 4; index += 1) {
      simulator.advance(1_000);
      simulator.addJob(minimalRequest, { sandboxName: 'dev', orgId: ORG });
    }

    const client = makeClient();
    const ids: number[] = [];
    let page = await client.listExportJobs({ limit: 2 });
    ids.push(...page.records.map((job) => job.id));
    while (page.link.next) {
      expect(page.link.next).toMatch(/^\/export\/jobs\/\?limit=2&offset=\d+_\d+$/);
      const nextUrl = new URL(`${server.baseUrl}${page.link.next}`);
      // The link itself works against the base path...
      const raw = await fetch(nextUrl, { headers });
      expect(raw.status).toBe(200);
      // ...and the client gets the same page from its cursor.
      const { records: rawRecords } = (await raw.json()) as { records: Array<{ id: number }> };
      page = await client.listExportJobs({ limit: 2, offset: nextUrl.searchParams.get('offset') ?? '' });
      expect(page.records.map((job) => job.id)).toEqual(rawRecords.map((job) => job.id));
      ids.push(...page.records.map((job) => job.id));
    }
    expect(ids).toEqual([1004, 1003, 1002, 1001, 1000]);
    expect(page.link.next).toBe('');
  });

  it('lets the SDK paginator follow every link.next to the last page, with the status filter kept', async () => {
    for (let index = 0; index < 7; index += 1) {
      simulator.addJob(minimalRequest, { sandboxName: 'dev', orgId: ORG });
      simulator.advance(1_000);
    }
    simulator.advance(10_000); // the seven are done
    simulator.addJob(minimalRequest, { sandboxName: 'dev', orgId: ORG }); // still NEW
    const client = makeClient();

    const all = await paginateExportJobs(client, { limit: 3 }).toArray({ maxItems: 100 });
    expect(all.map((job) => job.id)).toEqual([1007, 1006, 1005, 1004, 1003, 1002, 1001, 1000]);
    const succeeded = await paginateExportJobs(client, { limit: 2, status: 'SUCCEEDED' }).toArray({ maxItems: 100 });
    expect(succeeded.map((job) => job.id)).toEqual([1006, 1005, 1004, 1003, 1002, 1001, 1000]);
    expect(simulator.requests.filter((request) => request.query.status === 'SUCCEEDED')).toHaveLength(4);
  });

  it('answers a wrong token with 401 and a wrong API key with 403, as the gateway does', async () => {
    await expect(makeClient({ accessToken: 'not-the-token' }).listExportJobs()).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    const forbidden = await makeClient({ apiKey: 'someone-else' })
      .listExportJobs()
      .catch((caught: unknown) => caught);
    expect(forbidden).toBeInstanceOf(PermissionDeniedError);
    expect(forbidden).toMatchObject({
      status: 403,
      code: '403003',
      body: { error_code: '403003', message: 'Api Key is invalid' },
    });
  });

  it('sends an injected 503 with Retry-After, then succeeds when the client retries after the wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    simulator.inject({ kind: 'status', status: 503, retryAfter: 3 });
    const waits: number[] = [];
    const retrying = signal();
    const client = makeClient({
      maxRetries: 2,
      logger: {
        debug: (_message, fields) => {
          if (typeof fields?.delay === 'number') {
            waits.push(fields.delay);
            retrying.fire();
          }
        },
      },
    });

    const created = client.getExportJob(simulator.addJob(minimalRequest, { sandboxName: 'dev', orgId: ORG }).id);
    await retrying.fired;
    expect(waits).toEqual([3_000]);
    await vi.advanceTimersByTimeAsync(3_000);
    await expect(created).resolves.toMatchObject({ id: 1000 });
    expect(simulator.requests.map((request) => request.status)).toEqual([503, 200]);
  });

  it('destroys the socket for a dropped connection, which the client reports as a ConnectionError', async () => {
    simulator.inject({ kind: 'drop' });
    const error = await makeClient()
      .listExportJobs()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(simulator.requests.map((request) => request.status)).toEqual(['dropped']);
    // The server keeps serving after a dropped connection.
    await expect(makeClient().listExportJobs()).resolves.toMatchObject({ records: [] });
  });

  it('holds the answer back by an injected latency, and gives up on it when the client times out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    simulator.inject({ kind: 'latency', ms: 30_000 });
    const listing = makeClient({ timeout: 1_000 }).listExportJobs();
    const settled = expect(listing).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(1_000);
    await settled;
  });

  it('answers 404 outside the base path and keeps the token out of its request log', async () => {
    const response = await fetch(`${server.url}/somewhere/else`);
    expect(response.status).toBe(404);
    await makeClient().listExportJobs();
    expect(JSON.stringify(simulator.requests)).not.toContain(TOKEN);
    expect(simulator.requests.at(-1)).toMatchObject({ path: '/export/jobs', sandboxName: 'dev', status: 200 });
  });

  it('starts from simulator.listen() on a given port, and closes with kept-alive connections open', async () => {
    const other = new ExportJobsSimulator({ clock: 'manual', basePath: '/ups/' });
    const first = await other.listen();
    const port = first.port;
    await first.close();

    const again = await other.listen(port);
    expect(again.baseUrl).toBe(`http://127.0.0.1:${port}/ups`);
    const client = new ExportJobsClient({
      accessToken: 't',
      apiKey: 'k',
      orgId: ORG,
      sandboxName: 'dev',
      baseUrl: again.baseUrl,
      maxRetries: 0,
    });
    await client.listExportJobs();
    await expect(again.close()).resolves.toBeUndefined();
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
