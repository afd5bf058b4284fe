import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ExportJobsClient, type CreateExportJobRequest, type ExportJobsClientOptions } from '../../src/index.js';

export const BASE_URL = 'https://platform.test/data/core/ups';
export const JOBS_URL = `${BASE_URL}/export/jobs`;
export const TOKEN = 'eyJ-secret-access-token-0123456789';

export const server = setupServer();

/** Starts msw for the file: any request without a handler fails the test. */
export function useMsw(): void {
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

export function makeClient(overrides: Partial<ExportJobsClientOptions> = {}): ExportJobsClient {
  return new ExportJobsClient({
    accessToken: TOKEN,
    apiKey: 'my-client-id',
    orgId: '1BD6382559DF0C130A49422D@AdobeOrg',
    sandboxName: 'dev',
    baseUrl: BASE_URL,
    ...overrides,
  });
}

export interface Captured {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

/**
 * Answers `method url` with the given responses in turn (the last one repeats), recording every
 * request it sees.
 */
export function respond(
  method: 'get' | 'post' | 'delete',
  url: string,
  ...responses: Array<() => Response>
): Captured[] {
  const seen: Captured[] = [];
  server.use(
    http[method](url, async ({ request }) => {
      seen.push({
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        body: await request.text(),
      });
      const next = responses[Math.min(seen.length - 1, responses.length - 1)];
      if (!next) throw new Error('respond() needs at least one response');
      return next();
    }),
  );
  return seen;
}

export const json =
  (body: JsonBodyType, status = 200, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json(body, { status, headers });
export const text =
  (body: string, status: number, headers: Record<string, string> = {}) =>
  () =>
    new HttpResponse(body, { status, headers });
export const networkError = () => () => HttpResponse.error();

/** A job as the service returns it, with the given fields changed. */
export function jobBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 100,
    jobType: 'BATCH',
    destination: {
      datasetId: '5b7c86968f7b6501e21ba9df',
      segmentPerBatch: false,
      batchId: 'da5cfb4de32c4b93a09f7e37fa53ad52',
    },
    fields: 'identities.id,personalEmail.address',
    schema: { name: '_xdm.context.profile' },
    imsOrgId: '1BD6382559DF0C130A49422D@AdobeOrg',
    status: 'NEW',
    filter: {
      segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', segmentNs: 'ups', status: ['realized'] }],
    },
    mergePolicy: { id: 'timestampOrdered-none-mp', version: 1 },
    profileInstanceId: 'ups',
    metrics: {},
    computeGatewayJobId: {},
    creationTime: 1538615973895,
    updateTime: 1538616233239,
    requestId: 'd995479c-8a08-4240-903b-af469c67be1f',
    ...overrides,
  };
}

export const validRequest: CreateExportJobRequest = {
  fields: 'identities.id,personalEmail.address',
  filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', segmentNs: 'ups', status: ['realized'] }] },
  destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false },
  schema: { name: '_xdm.context.profile' },
};
