/**
 * The simulator's fake Adobe IMS, driven by the SDK's OAuth Server-to-Server credentials through
 * `simulator.fetch`, the loopback server and the msw handlers.
 *
 * The SDK's token cache reads `Date.now()` while the simulator reads its manual clock: `advance`
 * moves both (Date is faked, timers are not), and `simulator.advance` alone moves only the
 * server's, as a client whose clock lags the server's would see it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ExportJobsClient,
  TokenRequestError,
  OAuthTokenProvider,
  ServerError,
  type ExportJobsClientOptions,
} from '../../src/index.js';
import {
  ADOBE_IMS_URL,
  DEFAULT_SIMULATOR_TOKEN_LIFETIME,
  ExportJobsSimulator,
  SIMULATOR_IMS_PATH,
  startSimulatorServer,
  type SimulatorImsOptions,
} from '../../src/testing/index.js';
import { simulatorHandlers } from '../../src/testing/msw.js';
import { BASE_URL, server as msw, useMsw } from '../helpers/msw.js';

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';
const CLIENT_ID = 'simulated-client-id';
const SECRET = 'p8e-simulated-SECRET-value-0123456789';
/** Any origin will do for `simulator.fetch`: it routes IMS by path. */
const IMS_URL = `https://ims.simulator.test${SIMULATOR_IMS_PATH}`;
const API_URL = 'https://platform.simulator.test/data/core/ups';

let simulator: ExportJobsSimulator;

function useSimulator(ims: SimulatorImsOptions = {}): ExportJobsSimulator {
  simulator = new ExportJobsSimulator({
    clock: 'manual',
    ims: { clientId: CLIENT_ID, clientSecret: SECRET, ...ims },
    credentials: { orgId: ORG },
  });
  vi.useFakeTimers({ toFake: ['Date'], now: simulator.now() });
  return simulator;
}

/** Moves the client's clock and the simulator's together. */
function advance(ms: number): void {
  simulator.advance(ms);
  vi.setSystemTime(simulator.now());
}

function oauthClient(overrides: Partial<ExportJobsClientOptions> = {}): ExportJobsClient {
  return new ExportJobsClient({
    credentials: { clientId: CLIENT_ID, clientSecret: SECRET, imsUrl: IMS_URL },
    orgId: ORG,
    sandboxName: 'dev',
    baseUrl: API_URL,
    fetch: simulator.fetch,
    maxRetries: 0,
    ...overrides,
  });
}

/** The request log as `METHOD path status` lines. */
function trail(): string[] {
  return simulator.requests.map((request) => `${request.method} ${request.path} ${String(request.status)}`);
}

function imsForm(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  };
}

const goodForm = {
  grant_type: 'client_credentials',
  client_id: CLIENT_ID,
  client_secret: SECRET,
  scope: 'openid,AdobeID',
};

beforeEach(() => {
  vi.spyOn(Math, 'random').mockReturnValue(0);
  useSimulator();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the SDK against the simulated IMS', () => {
  it('gets a token from the simulated IMS and then succeeds with it', async () => {
    await expect(oauthClient().listExportJobs()).resolves.toMatchObject({ records: [] });
    expect(simulator.tokensIssued).toBe(1);
    expect(trail()).toEqual(['POST /ims/token/v3 200', 'GET /export/jobs 200']);
  });

  it('reuses the token for later calls', async () => {
    const client = oauthClient();
    const job = await client.createExportJob({
      destination: { datasetId: 'ds-1' },
      schema: { name: '_xdm.context.profile' },
    });
    advance(60_000);
    await client.getExportJob(job.id);
    await client.listExportJobs();
    expect(simulator.tokensIssued).toBe(1);
  });

  it('renews the token once the SDK margin before expiry is reached', async () => {
    useSimulator({ tokenLifetime: 3_600 });
    const client = oauthClient();
    await client.listExportJobs();
    // The SDK renews min(5 min, lifetime / 10) = 5 min before the hour is up.
    advance(55 * 60_000 - 1);
    await client.listExportJobs();
    expect(simulator.tokensIssued).toBe(1);
    advance(1);
    await client.listExportJobs();
    expect(simulator.tokensIssued).toBe(2);
    expect(trail().filter((line) => line.includes('401'))).toEqual([]);
  });

  it('renews and replays once when a token it still caches has expired on the simulator clock', async () => {
    useSimulator({ tokenLifetime: 60 });
    const provider = new OAuthTokenProvider({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      imsUrl: IMS_URL,
      refreshMargin: 0,
      fetch: simulator.fetch,
    });
    const client = oauthClient({ credentials: undefined, accessToken: provider, apiKey: CLIENT_ID });
    await client.listExportJobs();
    simulator.advance(61_000);
    await expect(client.listExportJobs()).resolves.toMatchObject({ records: [] });
    expect(simulator.tokensIssued).toBe(2);
    expect(trail()).toEqual([
      'POST /ims/token/v3 200',
      'GET /export/jobs 200',
      'GET /export/jobs 401',
      'POST /ims/token/v3 200',
      'GET /export/jobs 200',
    ]);
  });

  it('gives TokenRequestError with invalid_client for a wrong secret, without calling the API', async () => {
    const client = oauthClient({
      credentials: { clientId: CLIENT_ID, clientSecret: 'not-the-secret', imsUrl: IMS_URL },
    });
    const error = await client.listExportJobs().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    expect((error as Error).message).toContain('invalid client_secret parameter');
    expect(trail()).toEqual(['POST /ims/token/v3 401']);
    expect(simulator.tokensIssued).toBe(0);
  });

  it('gives TokenRequestError with invalid_client for an unknown client id', async () => {
    const client = oauthClient({ credentials: { clientId: 'someone-else', clientSecret: SECRET, imsUrl: IMS_URL } });
    await expect(client.listExportJobs()).rejects.toMatchObject({
      name: 'TokenRequestError',
      status: 401,
      code: 'invalid_client',
      message: expect.stringContaining('invalid client_id parameter'),
    });
  });

  it('gives TokenRequestError with invalid_scope for a scope outside the allowed list', async () => {
    useSimulator({ scopes: ['openid', 'AdobeID', 'read_organizations'] });
    const client = oauthClient({
      credentials: {
        clientId: CLIENT_ID,
        clientSecret: SECRET,
        imsUrl: IMS_URL,
        scopes: ['openid', 'AdobeID', 'additional_info.projectedProductContext'],
      },
    });
    await expect(client.listExportJobs()).rejects.toMatchObject({
      name: 'TokenRequestError',
      status: 400,
      code: 'invalid_scope',
      message: expect.stringContaining('Invalid scope: additional_info.projectedProductContext'),
    });
    await expect(
      oauthClient({
        credentials: { clientId: CLIENT_ID, clientSecret: SECRET, imsUrl: IMS_URL, scopes: 'openid,AdobeID' },
      }).listExportJobs(),
    ).resolves.toBeDefined();
  });

  it('never records the client secret, in a form body or in the query', async () => {
    await oauthClient().listExportJobs();
    await oauthClient({ credentials: { clientId: CLIENT_ID, clientSecret: `${SECRET}-wrong`, imsUrl: IMS_URL } })
      .listExportJobs()
      .catch(() => undefined);
    await simulator.fetch(`${IMS_URL}?client_secret=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: `client_secret=${SECRET}&x=1`,
    });
    await simulator.fetch(IMS_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_secret: SECRET }),
    });

    expect(JSON.stringify(simulator.requests)).not.toContain(SECRET);
    expect(simulator.requests[0]).toMatchObject({
      method: 'POST',
      path: SIMULATOR_IMS_PATH,
      body: {
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: '[redacted]',
        scope: expect.stringContaining('openid'),
      },
    });
    expect(simulator.requests.at(-2)).toMatchObject({
      query: { client_secret: '[redacted]' },
      body: 'client_secret=[redacted]&x=1',
    });
    expect(simulator.requests.at(-1)).toMatchObject({ body: { client_secret: '[redacted]' } });
  });

  it('works with the SDK defaults alone: simulator.fetch answers the default IMS URL and any client', async () => {
    simulator = new ExportJobsSimulator({ clock: 'manual' });
    const client = new ExportJobsClient({
      credentials: { clientId: 'any-id', clientSecret: 'any-secret' },
      orgId: ORG,
      sandboxName: 'dev',
      fetch: simulator.fetch,
    });
    await client.listExportJobs();
    expect(simulator.tokensIssued).toBe(1);
  });
});

describe('the simulated IMS over the loopback server', () => {
  it('serves the token endpoint at server.imsUrl, and the client renews there after expiry', async () => {
    useSimulator({ tokenLifetime: 600 });
    const server = await startSimulatorServer(simulator);
    try {
      expect(server.imsUrl).toBe(`http://127.0.0.1:${server.port}/ims/token/v3`);
      const client = new ExportJobsClient({
        credentials: { clientId: CLIENT_ID, clientSecret: SECRET, imsUrl: server.imsUrl },
        orgId: ORG,
        sandboxName: 'dev',
        baseUrl: server.baseUrl,
        maxRetries: 0,
      });
      await client.listExportJobs();
      await client.listExportJobs();
      expect(simulator.tokensIssued).toBe(1);
      advance(600_000);
      await client.listExportJobs();
      expect(simulator.tokensIssued).toBe(2);
      await expect(
        oauthClient({
          baseUrl: server.baseUrl,
          fetch: undefined,
          credentials: { clientId: CLIENT_ID, clientSecret: 'wrong', imsUrl: server.imsUrl },
        }).listExportJobs(),
      ).rejects.toMatchObject({ code: 'invalid_client' });
    } finally {
      await server.close();
    }
  });
});

describe('the simulated IMS through msw', () => {
  // Only here: msw would otherwise intercept the loopback server's sockets.
  useMsw();

  it('answers the default IMS URL and a custom imsUrl, and leaves IMS to others with imsUrl false', async () => {
    msw.use(...simulatorHandlers(simulator, { baseUrl: BASE_URL }));
    const byDefault = new ExportJobsClient({
      credentials: { clientId: CLIENT_ID, clientSecret: SECRET },
      orgId: ORG,
      sandboxName: 'dev',
      baseUrl: BASE_URL,
      maxRetries: 0,
    });
    await byDefault.listExportJobs();
    expect(simulator.requests[0]).toMatchObject({ path: SIMULATOR_IMS_PATH, status: 200 });

    msw.resetHandlers(
      ...simulatorHandlers(simulator, { baseUrl: BASE_URL, imsUrl: 'https://login.test/custom/token' }),
    );
    const custom = new ExportJobsClient({
      credentials: { clientId: CLIENT_ID, clientSecret: SECRET, imsUrl: 'https://login.test/custom/token' },
      orgId: ORG,
      sandboxName: 'dev',
      baseUrl: BASE_URL,
      maxRetries: 0,
    });
    await custom.listExportJobs();
    expect(simulator.tokensIssued).toBe(2);
    expect(simulator.requests.at(-2)).toMatchObject({ path: '/custom/token', status: 200 });

    // The API, Catalog and Data Access; plus IMS unless imsUrl is false.
    expect(simulatorHandlers(simulator, { baseUrl: BASE_URL, imsUrl: false })).toHaveLength(3);
    expect(simulatorHandlers(simulator)).toHaveLength(4);
    expect(simulatorHandlers(simulator, { imsUrl: false, catalogUrl: false, dataAccessUrl: false })).toHaveLength(1);
    expect(ADOBE_IMS_URL).toBe('https://ims-na1.adobelogin.com/ims/token/v3');
  });
});

describe('the simulated IMS endpoint', () => {
  it('issues an opaque bearer token with the configured lifetime', async () => {
    const response = await simulator.fetch(IMS_URL, imsForm(goodForm));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string };
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: DEFAULT_SIMULATOR_TOKEN_LIFETIME,
    });
    expect(body.access_token).not.toContain(CLIENT_ID);
  });

  it.each([
    ['a missing grant_type', { ...goodForm, grant_type: '' }, 'missing grant_type parameter'],
    ['an unsupported grant_type', { ...goodForm, grant_type: 'password' }, 'unsupported grant_type: password'],
    ['a missing client_id', { ...goodForm, client_id: '' }, 'missing client_id parameter'],
    ['a missing client_secret', { ...goodForm, client_secret: '' }, 'missing client_secret parameter'],
    ['a missing scope', { ...goodForm, scope: '' }, 'missing scope parameter'],
  ])('answers 400 invalid_request for %s', async (_name, form, description) => {
    const response = await simulator.fetch(IMS_URL, imsForm(form));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('answers 400 invalid_request for a body that is not a form, and 405 for another method', async () => {
    const json = await simulator.fetch(IMS_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(goodForm),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    const get = await simulator.fetch(IMS_URL);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('accepts any non-empty client id, secret and scope when none is configured', async () => {
    simulator = new ExportJobsSimulator({ clock: 'manual' });
    const response = await simulator.fetch(
      IMS_URL,
      imsForm({ ...goodForm, client_id: 'x', client_secret: 'y', scope: 'anything_at_all' }),
    );
    expect(response.status).toBe(200);
  });

  it('refuses a lifetime that is not a positive whole number of seconds, and empty credentials', () => {
    expect(() => new ExportJobsSimulator({ ims: { tokenLifetime: 0 } })).toThrow(RangeError);
    expect(() => new ExportJobsSimulator({ ims: { tokenLifetime: 1.5 } })).toThrow(/tokenLifetime/);
    expect(() => new ExportJobsSimulator({ ims: { clientSecret: '' } })).toThrow(/ims\.clientSecret/);
  });
});

describe('tokens at the API gateway', () => {
  async function token(): Promise<string> {
    const response = await simulator.fetch(IMS_URL, imsForm(goodForm));
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function listWith(bearer: string): Promise<{ status: number; body: unknown }> {
    const response = await simulator.fetch(`${API_URL}/export/jobs`, {
      headers: {
        authorization: `Bearer ${bearer}`,
        'x-api-key': CLIENT_ID,
        'x-gw-ims-org-id': ORG,
        'x-sandbox-name': 'dev',
      },
    });
    return { status: response.status, body: await response.json() };
  }

  it('accepts a simulator token until it expires on the simulator clock, then answers 401013', async () => {
    useSimulator({ tokenLifetime: 60 });
    const issued = await token();
    simulator.advance(59_999);
    expect((await listWith(issued)).status).toBe(200);
    simulator.advance(1);
    expect(await listWith(issued)).toEqual({
      status: 401,
      body: { error_code: '401013', message: 'Oauth token is not valid' },
    });
  });

  it('still refuses an expired simulator token once newer tokens have pruned it', async () => {
    useSimulator({ tokenLifetime: 60 });
    const first = await token();
    simulator.advance(120_000);
    const second = await token();
    expect((await listWith(first)).status).toBe(401);
    expect((await listWith(second)).status).toBe(200);
  });

  it('judges tokens from elsewhere by credentials.accessToken, as before', async () => {
    simulator = new ExportJobsSimulator({ clock: 'manual', credentials: { accessToken: 'static-token' } });
    const issued = await token();
    expect((await listWith('static-token')).status).toBe(200);
    expect((await listWith('another-token')).status).toBe(401);
    expect((await listWith(issued)).status).toBe(200);
  });

  it('restarts tokensIssued on reset but keeps issued tokens valid', async () => {
    const issued = await token();
    simulator.reset();
    expect(simulator.tokensIssued).toBe(0);
    expect((await listWith(issued)).status).toBe(200);
  });
});

describe('faults on the IMS endpoint', () => {
  it('hits the token request when the fault names the IMS path, and the provider retries it', async () => {
    const fault = simulator.inject({ kind: 'status', status: 503 }, { match: { path: SIMULATOR_IMS_PATH } });
    await oauthClient({ maxRetries: 1 }).listExportJobs();
    expect(fault.hits).toBe(1);
    expect(trail()).toEqual(['POST /ims/token/v3 503', 'POST /ims/token/v3 200', 'GET /export/jobs 200']);
    expect(simulator.requests[0]?.faults).toEqual(['status']);
  });

  it('sends an IMS-shaped body by default, and issues the token anyway with when: response', async () => {
    simulator.inject({ kind: 'status', status: 500 }, { match: { path: '/ims/token/:version' }, when: 'response' });
    const response = await simulator.fetch(IMS_URL, imsForm(goodForm));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'server_error',
      error_description: 'Injected by ExportJobsSimulator (HTTP 500)',
    });
    expect(simulator.tokensIssued).toBe(1);
  });

  it('spares the token request when the fault names no path, so it hits the API call it was meant for', async () => {
    const fault = simulator.inject({ kind: 'status', status: 503 }, { match: { method: 'POST' } });
    const client = oauthClient();
    await expect(
      // reconcile: false, so the fault's one hit is all the trail shows (no look-up after the 503).
      client.createExportJob(
        { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } },
        { reconcile: false },
      ),
    ).rejects.toBeInstanceOf(ServerError);
    expect(fault.hits).toBe(1);
    expect(trail()).toEqual(['POST /ims/token/v3 200', 'POST /export/jobs 503']);
  });
});
