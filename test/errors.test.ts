import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ExportJobsError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from '../src/index.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { ResponseTooLargeError } from '../src/errors/response-too-large-error.js';
import { scrubError } from '../src/internal/http/scrub.js';
import { JOBS_URL, TOKEN, json, makeClient, respond, text, useMsw } from './helpers/msw.js';

useMsw();

const failGet = async (...responses: Array<() => Response>) => {
  respond('get', `${JOBS_URL}/7`, ...responses);
  return makeClient({ maxRetries: 0 })
    .getExportJob(7)
    .then(
      () => expect.unreachable('the call should fail'),
      (error: unknown) => error as ApiError,
    );
};

describe('the error tree', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [429, RateLimitError],
    [500, ServerError],
    [503, ServerError],
    [418, ApiError],
  ])('maps status %i to %o, an ApiError and an ExportJobsError', async (status, ErrorClass) => {
    const error = await failGet(json({ error_code: 'x', message: 'm' }, status));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(ExportJobsError);
    expect(error.status).toBe(status);
    expect(error.name).toBe(ErrorClass.name);
  });
});

describe('error messages from the three AEP body shapes', () => {
  it('reads a gateway body: error_code and message', async () => {
    const error = await failGet(
      json({ error_code: '401013', message: 'Oauth token is not valid' }, 401, { 'x-request-id': 'gw-1' }),
    );
    expect(error.message).toBe(
      'GET /export/jobs/7 -> 401 Unauthorized: Oauth token is not valid (code 401013, request id gw-1)',
    );
    expect(error).toMatchObject({ code: '401013', requestId: 'gw-1', body: { error_code: '401013' } });
  });

  it('reads a Segmentation Service body: requestId, errors by status, title', async () => {
    const body = {
      requestId: 'seg-1',
      errors: { '404': [{ code: 'UPAPI-113430-404', message: 'Export job 7 not found' }] },
      type: 'https://ns.adobe.com/aep/errors/UPAPI-113430-404',
      title: 'Not Found',
      status: 404,
    };
    const error = await failGet(json(body, 404));
    expect(error.message).toBe(
      'GET /export/jobs/7 -> 404 Not Found: Not Found: Export job 7 not found (code UPAPI-113430-404, request id seg-1)',
    );
  });

  it('reads a platform problem: title, detail and report.additionalContext request-id', async () => {
    const body = {
      type: 'http://ns.adobe.com/aep/errors/UPS-1234-400',
      title: 'Invalid request',
      status: 400,
      detail: 'datasetId does not exist',
      report: { additionalContext: { 'request-id': 'pp-1' } },
    };
    const error = await failGet(json(body, 400));
    expect(error.message).toBe(
      'GET /export/jobs/7 -> 400 Bad Request: Invalid request: datasetId does not exist (code UPS-1234-400, request id pp-1)',
    );
  });

  it('says the body was empty, falling back to the request id that was sent', async () => {
    const error = await failGet(text('', 502));
    expect(error.message).toMatch(
      /^GET \/export\/jobs\/7 -> 502 Bad Gateway: empty response body \(request id [0-9a-f-]{36}\)$/,
    );
    expect(error.body).toBeUndefined();
    expect(error.requestId).toBe(error.requestIds[0]);
  });

  it('gives the title of an HTML page from a proxy and keeps the raw HTML', async () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>';
    const error = await failGet(text(html, 502, { 'content-type': 'text/html' }));
    expect(error.message).toContain('HTML response (probably from a proxy): 502 Bad Gateway');
    expect(error.body).toBe(html);
  });

  it('keeps a truncated JSON body as raw text and says it could not be parsed', async () => {
    const error = await failGet(text('{"error_code":"500","mess', 500, { 'content-type': 'application/json' }));
    expect(error.message).toContain('unparseable JSON body: {"error_code":"500","mess');
    expect(error.body).toBe('{"error_code":"500","mess');
  });

  it('shortens a huge plain-text body in the message but keeps it whole on the error', async () => {
    const long = 'x'.repeat(5000);
    const error = await failGet(text(long, 500, { 'content-type': 'text/plain' }));
    expect(error.message.length).toBeLessThan(400);
    expect(error.body).toBe(long);
  });

  it('reads Retry-After into retryAfter in milliseconds', async () => {
    const error = await failGet(json({ error_code: '429', message: 'Too many requests' }, 429, { 'retry-after': '7' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(7000);
    expect(error.headers['retry-after']).toBe('7');
  });

  it('reads a body retryAfterMs when there is no header', async () => {
    const error = await failGet(json({ error_code: '429', message: 'slow down', retryAfterMs: 1500 }, 429));
    expect(error.retryAfter).toBe(1500);
  });
});

describe('secrets in errors', () => {
  it('never holds the access token in its message, JSON, inspection or stack', async () => {
    const error = await failGet(json({ error_code: '401013', message: 'Oauth token is not valid' }, 401));
    for (const view of [
      error.message,
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      String(error.stack),
    ]) {
      expect(view).not.toContain(TOKEN);
    }
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'AuthenticationError',
      status: 401,
      code: '401013',
    });
  });
});

describe('scrubError', () => {
  const secret = 'tok/en+SCRUBMARK"x';
  const views = (error: Error) => [
    error.message,
    String(error.stack),
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ];
  const apiError = (message: string, body: unknown, headers: Record<string, string> = {}) =>
    new ApiError({
      status: 400,
      message,
      code: undefined,
      requestId: undefined,
      requestIds: [],
      body,
      headers,
      retryAfter: undefined,
    });

  it('masks the message, the stack, a deep body (keys too), the headers and the cause chain, in place', () => {
    const body = { a: [{ b: { c: `echo ${JSON.stringify(secret)}` } }], [`key ${secret}`]: encodeURIComponent(secret) };
    const error = apiError(`rejected ${secret}`, body, { 'x-echo': secret });
    void error.stack; // formatted now, with the secret in it
    Object.assign(error, { cause: new Error(`inner ${secret}`, { cause: { text: secret } }) });
    expect(scrubError(error, [secret])).toBe(error);
    for (const view of views(error)) expect(view).not.toContain('SCRUBMARK');
    expect(error.body).toEqual({ a: [{ b: { c: 'echo "[REDACTED]"' } }], 'key [REDACTED]': '[REDACTED]' });
    expect(error.message).toBe('rejected [REDACTED]');
  });

  it('copes with cycles, frozen objects and bodies nested 100 000 deep', () => {
    const cyclic: Record<string, unknown> = { text: secret };
    cyclic.self = cyclic;
    const frozen = Object.freeze({ text: 'nothing secret' });
    let deep: unknown = [secret];
    for (let level = 0; level < 100_000; level++) deep = [deep];
    const error = apiError('m', { cyclic, frozen, deep });
    expect(() => scrubError(error, [secret])).not.toThrow();
    expect(cyclic.text).toBe('[REDACTED]');
  });

  it('leaves values without secrets, and non-objects, as they are', () => {
    const error = new ExportJobsError('plain message');
    scrubError(error, [secret]);
    expect(error.message).toBe('plain message');
    expect(scrubError('text', [secret])).toBe('text');
  });
});

describe('new errors', () => {
  it('ResponseTooLargeError names the limit and serialises its fields', () => {
    const error = new ResponseTooLargeError('too large', { limit: 16, status: 200, requestId: 'r', requestIds: ['r'] });
    expect(error).toBeInstanceOf(ExportJobsError);
    const shown = { name: 'ResponseTooLargeError', limit: 16, status: 200, requestId: 'r' };
    expect(JSON.parse(JSON.stringify(error))).toMatchObject(shown);
  });

  it('ConfigurationError may carry a cause', () => {
    const cause = new Error('vault down');
    expect(new ConfigurationError('accessToken', 'the token source failed', { cause }).cause).toBe(cause);
  });
});
