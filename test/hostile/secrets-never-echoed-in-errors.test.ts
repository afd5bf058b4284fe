/**
 * Promise: whatever a server sends back, no error the SDK throws shows a secret it knows (each
 * token it sent, each token IMS returned, the client secret): not in `message`, `body` (text or
 * parsed JSON, however deep), `headers`, `cause` or `stack`, nor in `JSON.stringify`,
 * `util.inspect`, the log lines or the CLI's stderr. The attacker is a loopback server that
 * quotes what it received, as is, JSON-escaped, JSON inside JSON, percent- and form-encoded (once
 * and twice), and as HTML, in error bodies, 200 bodies and response headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import {
  ApiError,
  AuthenticationError,
  ExportJobsClient,
  ExportJobsError,
  OAuthTokenProvider,
  ResponseValidationError,
  ServerError,
  TokenRequestError,
} from '../../src/index.js';

// Secrets with characters every encoding changes; each holds a marker no view may show.
const TOKEN = `eyJhbGci.TOKENMARK-tok/en+x=y&"q"<a>'b'~!*() z\\w`;
const ISSUED = `eyJissued.ISSUEDMARK-from/ims+=&"<>`;
const SECRET = `p8e-SECRETMARK/sec+ret=&"ü"<>~ \\end`;
const MARKERS = /TOKENMARK|ISSUEDMARK|SECRETMARK/i;

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;
const routes = new Map<string, Handler>();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const route = routes.get(new URL(request.url!, 'http://x').pathname);
      if (route) route(request, body, response);
      else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const JOB = '/data/core/ups/export/jobs/1';
const IMS = '/ims/token/v3';

/** Every way the attacker quotes `value` in text. */
function quotings(value: string): string[] {
  const html = value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return [
    value,
    JSON.stringify(value),
    JSON.stringify(JSON.stringify({ value })),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    new URLSearchParams({ value }).toString(),
    encodeURIComponent(encodeURIComponent(value)),
    html,
    JSON.stringify(value)
      .replace(/\//g, '\\/')
      .replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
  ];
}

/** A JSON error body quoting `value` every way, deep inside too. */
function echoBody(value: string, extra: Record<string, unknown> = {}): string {
  let deep: unknown = { quoted: quotings(value) };
  for (let level = 0; level < 40; level++) deep = { level, deep };
  return JSON.stringify({ ...extra, message: `rejected ${value}`, [`key ${value}`]: 1, echo: quotings(value), deep });
}

/** Headers quoting `value` (only the forms a header can carry). */
function echoHeaders(value: string): Record<string, string> {
  return {
    'x-echo-raw': value,
    'x-echo-url': encodeURIComponent(value),
    'x-echo-form': new URLSearchParams({ value }).toString(),
    'www-authenticate': `Bearer realm="api", error="invalid_token", token="${encodeURIComponent(value)}"`,
  };
}

function tokenOf(request: IncomingMessage): string {
  return (request.headers.authorization ?? '').replace(/^Bearer /, '');
}

/** Everything an error can show, as text. */
function views(error: unknown): string[] {
  const shown = [
    String(error),
    (error as Error).stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ];
  if (error instanceof ApiError || error instanceof ResponseValidationError)
    shown.push(JSON.stringify(error.body) ?? '', typeof error.body === 'string' ? error.body : '');
  if (error instanceof ApiError) shown.push(JSON.stringify(error.headers));
  return shown;
}

function expectClean(error: unknown, lines: string[] = []): void {
  expect(error).toBeInstanceOf(ExportJobsError);
  for (const view of [...views(error), ...lines]) expect(view).not.toMatch(MARKERS);
}

const logged = () => {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      debug: (message: string, fields?: Record<string, unknown>) => lines.push(`${message} ${JSON.stringify(fields)}`),
    },
  };
};

const client = (extra: Record<string, unknown> = {}) =>
  new ExportJobsClient({
    accessToken: TOKEN,
    apiKey: 'key',
    orgId: 'o@AdobeOrg',
    sandboxName: 'dev',
    baseUrl: `${baseUrl}/data/core/ups`,
    maxRetries: 0,
    ...extra,
  });

describe('a server that echoes the token', () => {
  it('in a 401 body (every quoting, deep, as a key) and in headers: AuthenticationError shows none of it', async () => {
    routes.set(JOB, (request, _body, response) => {
      response.writeHead(401, {
        'content-type': 'application/json',
        ...echoHeaders(tokenOf(request)),
        'x-echo-authorization': request.headers.authorization!,
      });
      response.end(echoBody(tokenOf(request), { error_code: '401013' }));
    });
    const { lines, logger } = logged();
    const error = await client({ logger })
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    // Still useful: the status, the code and the body's shape survive.
    expect(error).toMatchObject({ status: 401, code: '401013', body: { message: 'rejected [REDACTED]' } });
    expect((error as ApiError).headers['x-echo-url']).toBe('[REDACTED]');
    expectClean(error, lines);
  });

  it('in a proxy HTML page quoting the request headers: the message snippet and the body are clean', async () => {
    routes.set(JOB, (request, _body, response) => {
      const quoted = Object.entries(request.headers)
        .map(([name, value]) => `${name}: ${String(value)}`)
        .join('\n');
      const html = `<html><head><title>502 Bad Gateway ${tokenOf(request).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</title></head>`;
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end(
        `${html}<body><pre>${quoted.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</pre>token=${tokenOf(request)}</body></html>`,
      );
    });
    const error = await client()
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as Error).message).toContain('HTML response (probably from a proxy)');
    expectClean(error);
  });

  it('in a 200 body that is not a job: ResponseValidationError keeps the body, masked', async () => {
    routes.set(JOB, (request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json', ...echoHeaders(tokenOf(request)) });
      response.end(JSON.stringify({ headers: request.headers, again: quotings(tokenOf(request)) }));
    });
    const error = await client()
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).body).toContain('[REDACTED]');
    expectClean(error);
  });

  it('in a 200 body that is not JSON at all', async () => {
    routes.set(JOB, (request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`you sent ${quotings(tokenOf(request)).join(' and ')}`);
    });
    expectClean(
      await client()
        .getExportJob(1)
        .catch((caught: unknown) => caught),
    );
  });

  it('from a token function, and in every attempt of a retried call (the error lists them all)', async () => {
    let calls = 0;
    routes.set(JOB, (request, _body, response) => {
      calls++;
      response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      response.end(echoBody(tokenOf(request)));
    });
    const error = await client({ accessToken: () => Promise.resolve(TOKEN), maxRetries: 2 })
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(calls).toBe(3);
    expectClean(error);
  });

  it('when the token came from IMS: the issued token is masked in the API error', async () => {
    routes.set(IMS, (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: ISSUED, token_type: 'bearer', expires_in: 86_399 }));
    });
    routes.set(JOB, (request, _body, response) => {
      response.writeHead(403, { 'content-type': 'application/json', ...echoHeaders(tokenOf(request)) });
      response.end(echoBody(tokenOf(request), { error_code: '403003' }));
    });
    const { lines, logger } = logged();
    const withCredentials = new ExportJobsClient({
      credentials: { clientId: 'id', clientSecret: SECRET, imsUrl: `${baseUrl}${IMS}` },
      orgId: 'o@AdobeOrg',
      sandboxName: 'dev',
      baseUrl: `${baseUrl}/data/core/ups`,
      maxRetries: 0,
      logger,
    });
    expectClean(await withCredentials.getExportJob(1).catch((caught: unknown) => caught), lines);
  });
});

describe('IMS that echoes the client secret', () => {
  const imsEcho: Handler = (_request, body, response) => {
    const secret = new URLSearchParams(body).get('client_secret') ?? '';
    response.writeHead(401, { 'content-type': 'application/json', ...echoHeaders(secret), 'x-echo-body': body });
    response.end(
      echoBody(secret, {
        error: 'invalid_client',
        error_description: `invalid client_secret parameter: ${secret}`,
        request: body,
      }),
    );
  };

  it('in its error: TokenRequestError shows none of it, in any view or log line', async () => {
    routes.set(IMS, imsEcho);
    const { lines, logger } = logged();
    const provider = new OAuthTokenProvider({
      clientId: 'id',
      clientSecret: SECRET,
      imsUrl: `${baseUrl}${IMS}`,
      maxRetries: 0,
      logger,
    });
    const error = await provider.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
    expect((error as Error).message).toContain('invalid client_secret parameter: [REDACTED]');
    expectClean(error, lines);
  });

  it("and on the CLI's stderr (with --verbose logging)", async () => {
    routes.set(IMS, imsEcho);
    let stderr = '';
    let stdout = '';
    const code = await runCli(['--verbose', 'get', '1'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
      env: {
        AEP_CLIENT_ID: 'id',
        AEP_CLIENT_SECRET: SECRET,
        AEP_IMS_URL: `${baseUrl}${IMS}`,
        AEP_ORG_ID: 'o@AdobeOrg',
        AEP_SANDBOX_NAME: 'dev',
        AEP_BASE_URL: `${baseUrl}/data/core/ups`,
      },
      readFile: () => Promise.resolve(''),
    });
    expect(code).not.toBe(0);
    expect(stderr).toContain('IMS token request failed');
    expect(stderr + stdout).not.toMatch(MARKERS);
  });
});
