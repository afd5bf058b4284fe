/**
 * Promise: no response body can exhaust memory. Every body the SDK reads (JSON responses, error
 * bodies, IMS answers) is read as a stream and counted after gzip or brotli decoding; past
 * `maxResponseBytes` reading stops, the connection is dropped and the call fails with
 * `ResponseTooLargeError` naming the limit. Memory grows by at most the limit plus a constant,
 * whatever the server sends: here real decompression bombs (made with node:zlib) and an endless body,
 * served from a loopback server that plays the attacker.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, createBrotliCompress, gzipSync, type BrotliCompress } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, OAuthTokenProvider, ServerError } from '../../src/index.js';
import type { ExportJobsClientOptions } from '../../src/index.js';
import { peakGrowth } from '../helpers/memory.js';
import { attackedClient, MINIMAL_JOB } from './attacker.js';
import { ResponseTooLargeError } from '../../src/errors/response-too-large-error.js';
import { DEFAULT_MAX_RESPONSE_BYTES, Transport } from '../../src/internal/http/transport.js';

const MiB = 1024 * 1024;
/** The safety bound the promise states: the limit plus a small constant. */
const BOUND = DEFAULT_MAX_RESPONSE_BYTES + 64 * MiB;

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
let server: Server;
let baseUrl: string;
let handler: Handler = (_request, response) => response.end();
/** Requests seen, and responses whose connection the client dropped before the server finished. */
const seen = { requests: 0, dropped: 0, bytesSent: 0 };

let brotliBomb: Buffer;
let gzipBomb: Buffer;

beforeAll(async () => {
  // 1 GiB of spaces as brotli (about 800 bytes), and 256 MiB as 256 gzip members (about 260 KB).
  brotliBomb = await compress(
    createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 3, [constants.BROTLI_PARAM_LGWIN]: 24 } }),
    1024,
  );
  const member = gzipSync(Buffer.alloc(MiB, 0x20), { level: 9 });
  gzipBomb = Buffer.concat(Array.from({ length: 256 }, () => member));
  server = createServer((request, response) => {
    seen.requests++;
    response.on('close', () => {
      if (!response.writableFinished) seen.dropped++;
    });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // One call before any measure, so that loading undici and zlib is not counted as growth.
  handler = bomb(gzipSync('{}'), 'gzip');
  await client()
    .getExportJob(1)
    .catch(() => undefined);
}, 20_000);

beforeEach(() => {
  seen.requests = 0;
  seen.dropped = 0;
  seen.bytesSent = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function compress(stream: BrotliCompress, mebibytes: number): Promise<Buffer> {
  const chunk = Buffer.alloc(MiB, 0x20);
  const out: Buffer[] = [];
  stream.on('data', (data: Buffer) => out.push(data));
  const done = new Promise((resolve) => stream.on('end', resolve));
  for (let index = 0; index < mebibytes; index++)
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
  stream.end();
  await done;
  return Buffer.concat(out);
}

const client = (extra: Partial<ExportJobsClientOptions> = {}) => attackedClient(baseUrl, { maxRetries: 2, ...extra });

/** Serves `body` with the given status and encoding, honouring back-pressure. */
const bomb =
  (body: Buffer, encoding: 'br' | 'gzip', status = 200): Handler =>
  (_request, response) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-encoding': encoding,
      'content-length': body.length,
    });
    seen.bytesSent += body.length;
    response.end(body);
  };

/** A body that never ends: `{"records":[` then the same object forever, as fast as the client reads. */
const endless =
  (status = 200): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    const chunk = Buffer.from(`{"id":1,"status":"PROCESSING","note":"${'x'.repeat(64 * 1024)}"},`);
    response.write('{"records":[');
    const pump = () => {
      while (!response.destroyed) {
        seen.bytesSent += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', pump);
      }
    };
    response.on('error', () => undefined);
    pump();
  };

const report = (label: string, figures: { rss: number; arrayBuffers: number }) =>
  console.log(
    `${label}: peak rss growth ${(figures.rss / MiB).toFixed(1)} MiB, arrayBuffers ${(figures.arrayBuffers / MiB).toFixed(1)} MiB`,
  );

describe('a decompression bomb', () => {
  it('brotli, about 800 bytes expanding to 1 GiB, ends in ResponseTooLargeError with bounded memory, not retried', async () => {
    expect(brotliBomb.length).toBeLessThan(4096);
    handler = bomb(brotliBomb, 'br');
    const figures = await peakGrowth(() => client().getExportJob(1));
    // The brotli decoder's own window (up to 16 MiB) is part of the growth, besides the limit.
    report(`brotli bomb (${brotliBomb.length} B -> 1 GiB)`, figures);
    expect(figures.outcome).toBeInstanceOf(ResponseTooLargeError);
    expect(figures.outcome).toMatchObject({ limit: DEFAULT_MAX_RESPONSE_BYTES, status: 200 });
    expect((figures.outcome as Error).message).toContain(`maxResponseBytes (${DEFAULT_MAX_RESPONSE_BYTES} bytes`);
    expect(figures.rss).toBeLessThan(BOUND);
    expect(seen.requests).toBe(1);
  });

  it('gzip, as the body of a 503, is bounded too (ky would read it whole for the error) and not retried', async () => {
    handler = bomb(gzipBomb, 'gzip', 503);
    const figures = await peakGrowth(() => client().getExportJob(1));
    report(`gzip bomb on a 503 (${gzipBomb.length} B -> 256 MiB)`, figures);
    expect(figures.outcome).toBeInstanceOf(ResponseTooLargeError);
    expect(figures.outcome).toMatchObject({ status: 503 });
    expect(figures.rss).toBeLessThan(BOUND);
    expect(seen.requests).toBe(1);
  });

  it('from IMS ends the token request with ResponseTooLargeError at its own 1 MiB limit', async () => {
    handler = bomb(brotliBomb, 'br');
    const provider = new OAuthTokenProvider({
      clientId: 'id',
      clientSecret: 'secret-value',
      imsUrl: `${baseUrl}/ims/token/v3`,
    });
    const error = await provider.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ limit: MiB });
    expect(seen.requests).toBe(1);
  });

  it('on a Data Access listing and through the download path (stream) fails the same way', async () => {
    handler = bomb(brotliBomb, 'br');
    await expect(client().listBatchFiles('batch-1')).rejects.toBeInstanceOf(ResponseTooLargeError);
    handler = bomb(gzipBomb, 'gzip', 500);
    const transport = new Transport({ baseUrl, timeout: 10_000, maxRetries: 0 });
    await expect(transport.stream({ method: 'GET', path: 'files/1', idempotent: true })).rejects.toBeInstanceOf(
      ResponseTooLargeError,
    );
  });
});

describe('an endless body', () => {
  it('is cut at the limit long before the timeout, the connection dropped, memory bounded', async () => {
    handler = endless();
    const started = performance.now();
    const figures = await peakGrowth(() => client({ timeout: 20_000 }).getExportJob(1));
    const elapsed = performance.now() - started;
    report(`endless body (${(seen.bytesSent / MiB).toFixed(0)} MiB sent before the drop)`, figures);
    expect(figures.outcome).toBeInstanceOf(ResponseTooLargeError);
    expect(figures.rss).toBeLessThan(BOUND);
    expect(elapsed).toBeLessThan(10_000);
    await until(() => seen.dropped === 1);
    // What the server pushed before the drop: the limit, plus what sat in socket buffers.
    expect(seen.bytesSent).toBeLessThan(DEFAULT_MAX_RESPONSE_BYTES + 16 * MiB);
  });

  it('as an error body (a 500 that never ends) is cut the same way', async () => {
    handler = endless(500);
    const error = await client({ maxResponseBytes: MiB })
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).not.toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ limit: MiB, status: 500 });
    expect(seen.requests).toBe(1);
  });
});

describe('maxResponseBytes', () => {
  const exactly =
    (size: number): Handler =>
    (_request, response) => {
      const job = JSON.stringify({ ...MINIMAL_JOB, pad: '' });
      const body = job.replace('"pad":""', `"pad":"${'p'.repeat(size - job.length)}"`);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    };

  it('lets a body of exactly the limit through and refuses one byte more, naming the limit', async () => {
    handler = exactly(4096);
    await expect(client({ maxResponseBytes: 4096 }).getExportJob(1)).resolves.toMatchObject({ id: 1 });
    const error = await client({ maxResponseBytes: 4095 })
      .getExportJob(1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toContain('maxResponseBytes (4095 bytes');
  });

  it('is checked when the client is made', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '16MB']) {
      expect(() => client({ maxResponseBytes: bad as number })).toThrow(ConfigurationError);
    }
  });
});

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
