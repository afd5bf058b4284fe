/**
 * createProfileExportDataset: Catalog `POST /dataSets` on the profile union schema, against the
 * simulator's Catalog (through msw, so that the URL the client builds is checked too) and against
 * hand-written answers for the variants the simulator does not produce.
 */
import { HttpResponse } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BadRequestError,
  ExportJobsClient,
  PROFILE_UNION_SCHEMA_ID,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
} from '../src/index.js';
import { ExportJobsSimulator } from '../src/testing/index.js';
import { simulatorHandlers } from '../src/testing/msw.js';
import { BASE_URL, makeClient, respond, server, TOKEN, useMsw } from './helpers/msw.js';

useMsw();

// These tests pin what Catalog's answers mean and the retry rule on their own; the look-up after
// an ambiguous create has its own suite in test/reconcile.test.ts.
const PLAIN_RULE = { reconcile: false } as const;
const CATALOG_URL = 'https://platform.test/data/foundation/catalog';
const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';

let simulator: ExportJobsSimulator;
let client: ExportJobsClient;

beforeEach(() => {
  simulator = new ExportJobsSimulator({
    clock: 'manual',
    credentials: { accessToken: TOKEN, apiKey: 'my-client-id', orgId: ORG },
  });
  server.use(...simulatorHandlers(simulator, { baseUrl: BASE_URL }));
  client = makeClient();
  vi.spyOn(Math, 'random').mockReturnValue(0);
});

describe('createProfileExportDataset', () => {
  it('creates the dataset on Catalog (baseUrl origin + /data/foundation/catalog) and resolves with its id', async () => {
    const id = await client.createProfileExportDataset({ name: 'Audience export' });
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(simulator.datasets('dev')).toEqual([
      expect.objectContaining({ id, name: 'Audience export', orgId: ORG, sandboxName: 'dev' }),
    ]);
    expect(simulator.requests).toHaveLength(1);
    expect(simulator.requests[0]).toMatchObject({
      service: 'catalog',
      method: 'POST',
      path: '/dataSets',
      status: 201,
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'my-client-id',
        'x-gw-ims-org-id': ORG,
        'x-sandbox-name': 'dev',
        authorization: 'Bearer [redacted]',
      },
    });
  });

  it("sends the tutorial's body: the profile union schemaRef, persisted as parquet", async () => {
    await client.createProfileExportDataset({ name: 'Profile Data Export', description: 'Nightly audience export' });
    expect(simulator.requests[0]!.body).toEqual({
      name: 'Profile Data Export',
      description: 'Nightly audience export',
      schemaRef: {
        id: 'https://ns.adobe.com/xdm/context/profile__union',
        contentType: 'application/vnd.adobe.xed+json;version=1',
      },
      fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
    });
    expect(PROFILE_UNION_SCHEMA_ID).toBe('https://ns.adobe.com/xdm/context/profile__union');
    // Without a description, none is sent.
    await client.createProfileExportDataset({ name: 'Second' });
    expect(Object.keys(simulator.requests[1]!.body as object)).toEqual(['name', 'schemaRef', 'fileDescription']);
  });

  it("creates in the call's sandbox when one is given", async () => {
    const id = await client.createProfileExportDataset({ name: 'In prod' }, { sandboxName: 'prod' });
    expect(simulator.datasets('prod').map((dataset) => dataset.id)).toEqual([id]);
    expect(simulator.datasets('dev')).toEqual([]);
  });

  it.each([
    ['["@/dataSets/5c8c3c555033b814b69f947f"]', ['@/dataSets/5c8c3c555033b814b69f947f'], '5c8c3c555033b814b69f947f'],
    [
      '["@/datasets/5b020a27e7040801dedba61b"] (the tutorial\'s casing)',
      ['@/datasets/5b020a27e7040801dedba61b'],
      '5b020a27e7040801dedba61b',
    ],
  ])('reads the id from %s', async (_, body, expected) => {
    respond('post', `${CATALOG_URL}/dataSets`, () => HttpResponse.json(body, { status: 201 }));
    await expect(client.createProfileExportDataset({ name: 'x' })).resolves.toBe(expected);
  });

  it.each([
    ['an empty array', []],
    ['a reference without an id', ['@/dataSets/']],
    ['another kind of reference', ['@/batches/5c8c3c555033b814b69f947f']],
    ['an object', { id: '5c8c3c555033b814b69f947f' }],
  ])('throws ResponseValidationError for %s', async (_, body) => {
    respond('post', `${CATALOG_URL}/dataSets`, () => HttpResponse.json(body as never, { status: 201 }));
    await expect(client.createProfileExportDataset({ name: 'x' }, PLAIN_RULE)).rejects.toBeInstanceOf(
      ResponseValidationError,
    );
  });

  it.each([[''], ['   '], [undefined]])('refuses the name %j before sending anything', async (name) => {
    await expect(client.createProfileExportDataset({ name } as never)).rejects.toBeInstanceOf(RequestValidationError);
    expect(simulator.requests).toEqual([]);
  });

  it("maps Catalog's 400 platform problem to BadRequestError, with its detail", async () => {
    simulator.inject(
      {
        kind: 'status',
        status: 400,
        body: {
          type: 'http://ns.adobe.com/aep/errors/CAT-1400-400',
          title: 'Bad Request',
          status: 400,
          detail: 'schemaRef.id is required.',
        },
      },
      { match: { service: 'catalog' } },
    );
    const error = await client.createProfileExportDataset({ name: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, body: { detail: 'schemaRef.id is required.' } });
    expect((error as Error).message).toMatch(/POST \/dataSets -> 400/);
    expect(simulator.requests).toHaveLength(1);
  });

  it('throws BadRequestError for what the simulated Catalog itself refuses', async () => {
    // The SDK always sends a valid body; a raw request shows what Catalog answers an invalid one.
    const raw = await fetch(`${CATALOG_URL}/dataSets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'x-api-key': 'my-client-id',
        'x-gw-ims-org-id': ORG,
        'x-sandbox-name': 'dev',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'x', schemaRef: {} }),
    });
    expect(raw.status).toBe(400);
  });

  it('sends exactly one POST after a 500: a dataset must never be created twice', async () => {
    simulator.inject({ kind: 'status', status: 500 }, { match: { service: 'catalog' } });
    await expect(client.createProfileExportDataset({ name: 'x' }, PLAIN_RULE)).rejects.toBeInstanceOf(ServerError);
    expect(simulator.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('sends exactly one POST when the answer is lost after Catalog created the dataset', async () => {
    simulator.inject({ kind: 'status', status: 503 }, { match: { service: 'catalog' }, when: 'response' });
    await expect(client.createProfileExportDataset({ name: 'x' }, PLAIN_RULE)).rejects.toBeInstanceOf(ServerError);
    expect(simulator.requests).toHaveLength(1);
    expect(simulator.datasets()).toHaveLength(1);
  });

  it('retries a 429, which proves nothing was created', async () => {
    simulator.inject({ kind: 'status', status: 429 }, { match: { service: 'catalog' } });
    const id = await client.createProfileExportDataset({ name: 'x' });
    expect(simulator.requests.map((request) => request.status)).toEqual([429, 201]);
    expect(simulator.datasets().map((dataset) => dataset.id)).toEqual([id]);
  });

  it('goes to catalogUrl when given', async () => {
    const custom = new ExportJobsSimulator({ clock: 'manual' });
    server.use(...simulatorHandlers(custom, { baseUrl: BASE_URL, catalogUrl: 'https://catalog.test/v1' }));
    const id = await makeClient({ catalogUrl: 'https://catalog.test/v1/' }).createProfileExportDataset({ name: 'x' });
    expect(custom.datasets().map((dataset) => dataset.id)).toEqual([id]);
  });

  it("works through simulator.fetch, with the client's default URLs", async () => {
    const local = new ExportJobsSimulator({ clock: 'manual' });
    const direct = new ExportJobsClient({
      accessToken: 't',
      apiKey: 'k',
      orgId: ORG,
      sandboxName: 'dev',
      fetch: local.fetch,
    });
    const id = await direct.createProfileExportDataset({ name: 'direct' });
    expect(local.datasets()[0]).toMatchObject({ id, name: 'direct' });
    // The export job then writes to it.
    const job = await direct.createExportJob({
      destination: { datasetId: id },
      schema: { name: '_xdm.context.profile' },
    });
    expect(job.destination.datasetId).toBe(id);
  });
});

describe('the hand-written Catalog answer', () => {
  it('is not retried after a 500 even with retries configured', async () => {
    const seen = respond('post', `${CATALOG_URL}/dataSets`, () =>
      HttpResponse.json({ title: 'boom', status: 500 }, { status: 500 }),
    );
    await expect(
      makeClient({ maxRetries: 5 }).createProfileExportDataset({ name: 'x' }, PLAIN_RULE),
    ).rejects.toBeInstanceOf(ServerError);
    expect(seen).toHaveLength(1);
  });

  it('is read from the POST to {catalogUrl}/dataSets', async () => {
    const seen = respond('post', `${CATALOG_URL}/dataSets`, () =>
      HttpResponse.json(['@/dataSets/abc'], { status: 201 }),
    );
    await client.createProfileExportDataset({ name: 'x' });
    expect(seen[0]!.url.href).toBe(`${CATALOG_URL}/dataSets`);
  });
});
