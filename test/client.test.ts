import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  ExportJobsClient,
  NotFoundError,
  RequestValidationError,
  ResponseValidationError,
  VERSION,
} from '../src/index.js';
import {
  BASE_URL,
  JOBS_URL,
  TOKEN,
  json,
  jobBody,
  makeClient,
  respond,
  text,
  useMsw,
  validRequest,
} from './helpers/msw.js';

useMsw();

const credentials = { accessToken: TOKEN, apiKey: 'key', orgId: 'org@AdobeOrg', sandboxName: 'prod' };

describe('ExportJobsClient configuration', () => {
  it.each(['accessToken', 'apiKey', 'orgId', 'sandboxName'] as const)(
    'refuses a missing %s at construction and names it',
    (option) => {
      const options: Record<string, unknown> = { ...credentials };
      delete options[option];
      expect(() => new ExportJobsClient(options as never)).toThrow(ConfigurationError);
      expect(() => new ExportJobsClient(options as never)).toThrow(new RegExp(`\`${option}\``));
    },
  );

  it.each(['accessToken', 'apiKey', 'orgId', 'sandboxName'] as const)('refuses an empty %s', (option) => {
    const attempt = () => new ExportJobsClient({ ...credentials, [option]: '  ' });
    expect(attempt).toThrow(expect.objectContaining({ name: 'ConfigurationError', option }));
  });

  it('refuses a base URL that is not absolute http(s), a bad timeout and bad maxRetries', () => {
    expect(() => new ExportJobsClient({ ...credentials, baseUrl: 'platform.adobe.io' })).toThrow(/baseUrl/);
    expect(() => new ExportJobsClient({ ...credentials, timeout: 0 })).toThrow(/timeout/);
    expect(() => new ExportJobsClient({ ...credentials, maxRetries: -1 })).toThrow(/maxRetries/);
  });

  it('defaults to the production base URL', () => {
    expect(new ExportJobsClient(credentials).baseUrl).toBe('https://platform.adobe.io/data/core/ups');
  });

  it('never puts the token in a configuration error', () => {
    try {
      new ExportJobsClient({ ...credentials, sandboxName: '' });
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      expect(String((error as Error).stack)).not.toContain(credentials.accessToken);
    }
  });
});

describe('request headers', () => {
  it('sends auth, key, org, sandbox, accept, a request id and a user agent on every request', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    await makeClient().getExportJob(100);
    const headers = seen[0]!.headers;
    expect(headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headers.get('x-api-key')).toBe('my-client-id');
    expect(headers.get('x-gw-ims-org-id')).toBe('1BD6382559DF0C130A49422D@AdobeOrg');
    expect(headers.get('x-sandbox-name')).toBe('dev');
    expect(headers.get('accept')).toBe('application/json');
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get('user-agent')).toBe(`aep-export-jobs/${VERSION} node/${process.versions.node}`);
    expect(headers.get('content-type')).toBeNull();
  });

  it('sends a fresh request id with each request', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    const client = makeClient();
    await client.getExportJob(100);
    await client.getExportJob(100);
    expect(seen[0]!.headers.get('x-request-id')).not.toBe(seen[1]!.headers.get('x-request-id'));
  });

  it('calls a token function for each request, awaiting a promised token', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    let calls = 0;
    const client = makeClient({ accessToken: () => Promise.resolve(`token-${++calls}`) });
    await client.getExportJob(100);
    await client.getExportJob(100);
    expect(seen.map((request) => request.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('applies per-call sandbox, headers and default headers, the SDK headers winning', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    const client = makeClient({ defaultHeaders: { 'x-team': 'audiences', authorization: 'Bearer nope' } });
    await client.getExportJob(100, { sandboxName: 'prod', headers: { 'x-profile-instance-id': 'ups' } });
    const headers = seen[0]!.headers;
    expect(headers.get('x-sandbox-name')).toBe('prod');
    expect(headers.get('x-profile-instance-id')).toBe('ups');
    expect(headers.get('x-team')).toBe('audiences');
    expect(headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('replaces a caller header that differs only in case instead of sending both', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    await makeClient({ defaultHeaders: { Authorization: 'Bearer nope', 'X-Sandbox-Name': 'prod' } }).getExportJob(100, {
      headers: { 'X-API-KEY': 'other' },
    });
    const headers = seen[0]!.headers;
    expect(headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headers.get('x-sandbox-name')).toBe('dev');
    expect(headers.get('x-api-key')).toBe('my-client-id');
  });

  it('withOptions returns a client with overrides and leaves the original as it was', async () => {
    const seen = respond('get', `${JOBS_URL}/100`, json(jobBody()));
    const client = makeClient();
    const prod = client.withOptions({ sandboxName: 'prod' });
    await prod.getExportJob(100);
    await client.getExportJob(100);
    expect(seen.map((request) => request.headers.get('x-sandbox-name'))).toEqual(['prod', 'dev']);
    expect(prod.sandboxName).toBe('prod');
    expect(() => client.withOptions({ sandboxName: '' })).toThrow(ConfigurationError);
  });

  it('resolves paths against the base URL path, not the origin root', async () => {
    const seen = respond('get', 'https://platform.test/gateway/ups/export/jobs/7', json(jobBody({ id: 7 })));
    await makeClient({ baseUrl: 'https://platform.test/gateway/ups/' }).getExportJob(7);
    expect(seen).toHaveLength(1);
  });
});

describe('listExportJobs', () => {
  it('sends GET /export/jobs with limit, offset and status and returns the page', async () => {
    const page = {
      records: [jobBody()],
      page: { sortField: 'createdTime', sort: 'desc', pageOffset: '1538615973895_100', pageSize: 1 },
      link: { next: '/export/jobs/?limit=1&offset=1538615973895_100' },
    };
    const seen = respond('get', JOBS_URL, json(page));
    const result = await makeClient().listExportJobs({ limit: 1, offset: '1538615973896_101', status: 'SUCCEEDED' });
    expect(seen[0]!.url.searchParams.toString()).toBe('limit=1&offset=1538615973896_101&status=SUCCEEDED');
    expect(result.records[0]!.id).toBe(100);
    expect(result.link.next).toBe('/export/jobs/?limit=1&offset=1538615973895_100');
    expect(result.page.pageOffset).toBe('1538615973895_100');
  });

  it('sends no query string when called without a query', async () => {
    const seen = respond('get', JOBS_URL, json({ records: [], page: {}, link: {} }));
    const result = await makeClient().listExportJobs();
    expect(seen[0]!.url.search).toBe('');
    expect(result.records).toEqual([]);
  });

  it('refuses a misspelt status filter before sending anything', async () => {
    const seen = respond('get', JOBS_URL, json({ records: [] }));
    await expect(makeClient().listExportJobs({ status: 'SUCCESS' as never })).rejects.toThrow(RequestValidationError);
    await expect(makeClient().listExportJobs({ limit: 0 })).rejects.toThrow(/limit/);
    expect(seen).toHaveLength(0);
  });
});

describe('createExportJob', () => {
  it('POSTs the normalised JSON body and returns the created job', async () => {
    const seen = respond('post', JOBS_URL, json(jobBody({ id: 101 }), 200, { 'x-location': '/export/jobs/101' }));
    const job = await makeClient().createExportJob({
      ...validRequest,
      destination: { dataSetId: '5b7c86968f7b6501e21ba9df' } as never,
    });
    expect(job.id).toBe(101);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(seen[0]!.body)).toEqual({
      ...validRequest,
      destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false },
    });
  });

  it('accepts 201 as well as 200', async () => {
    respond('post', JOBS_URL, json(jobBody({ id: 102 }), 201));
    expect((await makeClient().createExportJob(validRequest)).id).toBe(102);
  });

  it('sends nothing when the request is invalid, and lists every problem with its path', async () => {
    const seen = respond('post', JOBS_URL, json(jobBody()));
    const error = await makeClient()
      .createExportJob({
        destination: { datasetId: '' },
        schema: { name: '' },
        filter: { fromIngestTimestamp: '2018-01-01' },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues.map((issue) => issue.path)).toEqual([
      'filter.fromIngestTimestamp',
      'destination.datasetId',
      'schema.name',
    ]);
    expect(seen).toHaveLength(0);
  });
});

describe('getExportJob', () => {
  it('GETs /export/jobs/{id} and returns the normalised job', async () => {
    respond('get', `${JOBS_URL}/100`, json(jobBody({ destination: { dataSetId: 'ds', batchId: 'b1' } })));
    const job = await makeClient().getExportJob('100');
    expect(job.destination).toEqual({ datasetId: 'ds', segmentPerBatch: false, batchId: 'b1' });
  });

  it('percent-encodes string ids into the path', async () => {
    const seen = respond('get', `${JOBS_URL}/:id`, json(jobBody()));
    await makeClient().getExportJob('job 1&x=2');
    expect(seen[0]!.url.pathname).toBe('/data/core/ups/export/jobs/job%201%26x%3D2');
  });

  it.each(['', '  ', '../1', '1/2', '1?x=1', '1#x', '..', -1, 1.5, Number.NaN])(
    'refuses the id %j before sending anything',
    async (id) => {
      const seen = respond('get', `${JOBS_URL}/:id`, json(jobBody()));
      await expect(makeClient().getExportJob(id as string)).rejects.toThrow(RequestValidationError);
      await expect(makeClient().cancelExportJob(id as string)).rejects.toThrow(/id/);
      expect(seen).toHaveLength(0);
    },
  );

  it('maps a 404 to NotFoundError with the service error code and request id', async () => {
    respond(
      'get',
      `${JOBS_URL}/404`,
      json(
        {
          requestId: 'req-404',
          errors: { '404': [{ code: 'UPAPI-113430-404', message: 'Export job not found' }] },
          type: 'https://ns.adobe.com/aep/errors/UPAPI-113430-404',
          title: 'Not Found',
          status: 404,
        },
        404,
      ),
    );
    const error = await makeClient()
      .getExportJob(404)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'UPAPI-113430-404', requestId: 'req-404' });
  });

  it('throws ResponseValidationError with the raw body when a 200 is not an export job', async () => {
    respond('get', `${JOBS_URL}/1`, json({ status: 'NEW' }, 200, { 'x-request-id': 'srv-1' }));
    const error = await makeClient()
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error).toMatchObject({ requestId: 'srv-1', body: '{"status":"NEW"}', status: 200 });
    expect((error as ResponseValidationError).issues.map((issue) => issue.path.join('.'))).toContain('id');
  });

  it('throws ResponseValidationError when a 200 body is not JSON', async () => {
    respond('get', `${JOBS_URL}/1`, text('<html>oops</html>', 200, { 'content-type': 'text/html' }));
    await expect(makeClient().getExportJob(1)).rejects.toMatchObject({
      name: 'ResponseValidationError',
      body: '<html>oops</html>',
    });
  });
});

describe('cancelExportJob', () => {
  it('sends DELETE and returns the JSON body of a 200', async () => {
    const seen = respond(
      'delete',
      `${JOBS_URL}/100`,
      json({ status: true, message: 'Export job has been marked for cancelling' }),
    );
    await expect(makeClient().cancelExportJob(100)).resolves.toEqual({
      status: true,
      message: 'Export job has been marked for cancelling',
    });
    expect(seen[0]!.method).toBe('DELETE');
  });

  it('reads a 204 without a body as success', async () => {
    respond('delete', `${JOBS_URL}/100`, () => new Response(null, { status: 204 }));
    await expect(makeClient().cancelExportJob(100)).resolves.toEqual({ status: true });
  });

  it('sends to the per-call base path with the configured base URL', async () => {
    const seen = respond('delete', `${BASE_URL}/export/jobs/5`, () => new Response(null, { status: 204 }));
    await makeClient().cancelExportJob('5');
    expect(seen).toHaveLength(1);
  });
});
