/**
 * Promise: whatever the server (or a custom `fetch`) does, `send` and `stream` fail with an
 * `ExportJobsError`, never a raw `TypeError` from undici, a `RangeError` or a zlib error. The
 * attacker is a loopback server speaking broken HTTP: corrupt gzip and brotli, cut-off bodies,
 * resets, garbage instead of a status line, absurdly deep JSON.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError, ExportJobsError, ResponseValidationError, ServerError } from '../../src/index.js';
import type { ExportJobsClientOptions } from '../../src/index.js';
import { attackedClient, MINIMAL_JOB } from './attacker.js';
import { Transport } from '../../src/internal/http/transport.js';

/** What the raw server answers next: the bytes to write, and whether to reset the socket after. */
let answer: (socket: Socket) => void = (socket) => socket.end();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // A raw TCP server, so that the answers can be any bytes at all.
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function http(
  status: number,
  headers: Record<string, string | number>,
  body: Buffer | string,
  then: 'end' | 'reset' = 'end',
): (socket: Socket) => void {
  return (socket) => {
    const head = [
      `HTTP/1.1 ${status} X`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      'connection: close',
      '',
      '',
    ].join('\r\n');
    socket.write(head);
    socket.write(body);
    if (then === 'reset') setTimeout(() => socket.resetAndDestroy(), 20);
    else socket.end();
  };
}

const client = (extra: Partial<ExportJobsClientOptions> = {}) => attackedClient(baseUrl, { maxRetries: 0, ...extra });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the call should fail'),
    (error: unknown) => error,
  );

const job = JSON.stringify(MINIMAL_JOB);
const gzip = gzipSync(job);

describe('a body that cannot be decoded', () => {
  it.each([
    ['gzip', Buffer.from('this is not gzip at all, not even close')],
    ['br', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02])],
    ['deflate', Buffer.from('nor deflate')],
  ])('corrupt %s on a 200 is a ConnectionError that says so', async (encoding, body) => {
    answer = http(
      200,
      { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': body.length },
      body,
    );
    const error = await failure(client().getExportJob(1));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/could not be decoded|broke off/);
  });

  it('corrupt gzip on a 500 keeps the status: a ServerError', async () => {
    const body = Buffer.from('garbage, not gzip');
    answer = http(
      500,
      { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length },
      body,
    );
    expect(await failure(client().getExportJob(1))).toBeInstanceOf(ServerError);
  });

  it('gzip cut short is invalid JSON: a ResponseValidationError', async () => {
    const cut = gzip.subarray(0, gzip.length - 12);
    answer = http(
      200,
      { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': cut.length },
      cut,
    );
    expect(await failure(client().getExportJob(1))).toBeInstanceOf(ResponseValidationError);
  });

  it('valid brotli of a valid job still works (the encodings are decoded)', async () => {
    const body = brotliCompressSync(job);
    answer = http(
      200,
      { 'content-type': 'application/json', 'content-encoding': 'br', 'content-length': body.length },
      body,
    );
    await expect(client().getExportJob(1)).resolves.toMatchObject({ id: 1 });
  });
});

describe('broken HTTP', () => {
  it('a body shorter than its content-length, then a reset', async () => {
    answer = http(200, { 'content-type': 'application/json', 'content-length': 1000 }, '{"id":1,', 'reset');
    expect(await failure(client().getExportJob(1))).toBeInstanceOf(ConnectionError);
  });

  it('garbage instead of a status line', async () => {
    answer = (socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    expect(await failure(client().getExportJob(1))).toBeInstanceOf(ConnectionError);
  });

  it('a header line the parser refuses', async () => {
    answer = (socket) => socket.end('HTTP/1.1 200 OK\r\nbad header line without colon\r\n\r\n{}');
    expect(await failure(client().getExportJob(1))).toBeInstanceOf(ConnectionError);
  });

  it('JSON nested a million deep in a 200 and in a 500', async () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    answer = http(200, { 'content-type': 'application/json' }, deep);
    expect(await failure(client().getExportJob(1))).toBeInstanceOf(ExportJobsError);
    answer = http(500, { 'content-type': 'application/json' }, deep);
    const error = await failure(client().getExportJob(1));
    expect(error).toBeInstanceOf(ServerError);
    expect(() => JSON.stringify(error)).not.toThrow();
  });

  it('the download path (stream) maps the same failures', async () => {
    const transport = new Transport({ baseUrl, timeout: 5_000, maxRetries: 0 });
    const body = Buffer.from('garbage, not gzip');
    answer = http(
      503,
      { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length },
      body,
    );
    expect(await failure(transport.stream({ method: 'GET', path: 'files/1', idempotent: true }))).toBeInstanceOf(
      ServerError,
    );
    answer = (socket) => socket.resetAndDestroy();
    expect(await failure(transport.stream({ method: 'GET', path: 'files/1', idempotent: true }))).toBeInstanceOf(
      ConnectionError,
    );
  });
});

describe('a custom fetch that misbehaves', () => {
  it.each([
    ['throws a RangeError', () => Promise.reject(new RangeError('Invalid array length'))],
    // Not Errors on purpose: a fetch may reject with anything.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    ['throws a plain object', () => Promise.reject({ weird: true })],
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    ['throws a string', () => Promise.reject('nope')],
    [
      'returns a body that errors',
      () =>
        Promise.resolve(
          new Response(new ReadableStream({ pull: (controller) => controller.error(new RangeError('boom')) }), {
            status: 200,
          }),
        ),
    ],
  ])('%s: a ConnectionError', async (_label, fetch) => {
    const error = await failure(client({ fetch }).getExportJob(1));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toBeInstanceOf(ExportJobsError);
  });
});
