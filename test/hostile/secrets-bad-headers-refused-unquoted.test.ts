/**
 * Promise: a header that cannot be sent (a newline, CR, NUL or a character above U+00FF in a token,
 * `defaultHeaders`, per-call `headers`, the API key, org or sandbox) is refused before anything is
 * sent, with an SDK error naming the option and never quoting the value. Left to undici, such a
 * value becomes a bare `TypeError` whose message holds `Bearer <token>`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  ExportJobsClient,
  ExportJobsError,
  ResponseValidationError,
  type ExportJobsClientOptions,
} from '../../src/index.js';

const MARK = 'VALUEMARK';
let server: Server;
let baseUrl: string;
const hits = { ims: 0, api: 0 };
let imsToken = 'ok-token';

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith('/ims')) {
      hits.ims++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: imsToken, token_type: 'bearer', expires_in: 86_399 }));
      return;
    }
    hits.api++;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  hits.ims = 0;
  hits.api = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const options = (extra: Partial<ExportJobsClientOptions> = {}): ExportJobsClientOptions => ({
  accessToken: 'good-token',
  apiKey: 'key',
  orgId: 'o@AdobeOrg',
  sandboxName: 'dev',
  baseUrl: `${baseUrl}/data/core/ups`,
  maxRetries: 2,
  ...extra,
});

function expectRefused(error: unknown, option: string): void {
  expect(error).toBeInstanceOf(ConfigurationError);
  expect(error).toMatchObject({ option });
  for (const view of [
    String(error),
    (error as Error).stack,
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ]) {
    expect(view).not.toContain(MARK);
  }
  expect(hits.api).toBe(0);
}

const badValues = [`${MARK}\nX-Injected: 1`, `${MARK}\r\n`, `${MARK}\u0000`, `${MARK}\u20ac`];

describe('a token that cannot be sent', () => {
  it.each(badValues.map((value) => [JSON.stringify(value), value]))(
    'as a string (%s) is refused as accessToken',
    async (_label, value) => {
      expectRefused(
        await new ExportJobsClient(options({ accessToken: value })).getExportJob(1).catch((caught: unknown) => caught),
        'accessToken',
      );
    },
  );

  it.each(badValues.map((value) => [JSON.stringify(value), value]))(
    'returned by a function (%s) is refused as accessToken',
    async (_label, value) => {
      expectRefused(
        await new ExportJobsClient(options({ accessToken: () => Promise.resolve(value) }))
          .getExportJob(1)
          .catch((caught: unknown) => caught),
        'accessToken',
      );
    },
  );

  it('returned by a TokenProvider is refused, and not retried', async () => {
    let calls = 0;
    const provider = { getToken: () => (calls++, Promise.resolve(`${MARK}\n`)) };
    expectRefused(
      await new ExportJobsClient(options({ accessToken: provider })).getExportJob(1).catch((caught: unknown) => caught),
      'accessToken',
    );
    expect(calls).toBe(1);
  });

  it('returned by IMS itself is refused as a bad IMS answer, without echoing it, and the API is never called', async () => {
    imsToken = `${MARK}\nX-Injected: 1`;
    const client = new ExportJobsClient(
      options({
        accessToken: undefined,
        credentials: { clientId: 'id', clientSecret: 'secret-value', imsUrl: `${baseUrl}/ims/token/v3` },
      }),
    );
    const error = await client.getExportJob(1).catch((caught: unknown) => caught);
    imsToken = 'ok-token';
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toContain('access_token that cannot be sent in a header');
    for (const view of [String(error), JSON.stringify(error), inspect(error, { depth: Infinity, showHidden: true })])
      expect(view).not.toContain(MARK);
    expect(hits).toEqual({ ims: 1, api: 0 });
  });

  it('a token source that throws becomes a ConfigurationError with the original as cause', async () => {
    const failure = new Error('vault unreachable');
    const error = await new ExportJobsClient(options({ accessToken: () => Promise.reject(failure) }))
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ option: 'accessToken', cause: failure });
    expect((error as Error).message).toContain('vault unreachable');
  });
});

describe('other headers that cannot be sent', () => {
  it.each(badValues.map((value) => [JSON.stringify(value), value]))(
    'defaultHeaders (%s) are refused when the client is made',
    (_label, value) => {
      let error: unknown;
      try {
        new ExportJobsClient(options({ defaultHeaders: { 'x-trace': value } }));
      } catch (caught) {
        error = caught;
      }
      expectRefused(error, 'defaultHeaders');
    },
  );

  it.each(badValues.map((value) => [JSON.stringify(value), value]))(
    'per-call headers (%s) are refused by the call',
    async (_label, value) => {
      const error = await new ExportJobsClient(options())
        .getExportJob(1, { headers: { 'x-trace': value } })
        .catch((caught: unknown) => caught);
      expectRefused(error, 'headers');
    },
  );

  it('a header name that is not a token is refused', async () => {
    const error = await new ExportJobsClient(options())
      .getExportJob(1, { headers: { 'bad name\n': 'v' } })
      .catch((caught: unknown) => caught);
    expectRefused(error, 'headers');
  });

  it.each([
    ['apiKey', { apiKey: `${MARK}\n` }],
    ['orgId', { orgId: `${MARK}\r` }],
    ['sandboxName', { sandboxName: `${MARK}\u0000` }],
  ] as const)('%s is refused at the call, never reaching undici', async (option, extra) => {
    expectRefused(
      await new ExportJobsClient(options(extra)).getExportJob(1).catch((caught: unknown) => caught),
      option,
    );
  });

  it('a per-call sandboxName is refused the same way', async () => {
    const error = await new ExportJobsClient(options())
      .getExportJob(1, { sandboxName: `${MARK}\n` })
      .catch((caught: unknown) => caught);
    expectRefused(error, 'sandboxName');
  });

  it('every refusal is an ExportJobsError (nothing raw from undici)', async () => {
    const error = await new ExportJobsClient(options({ accessToken: `Bearer\n${MARK}` }))
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExportJobsError);
    expect(error).not.toBeInstanceOf(TypeError);
  });
});
