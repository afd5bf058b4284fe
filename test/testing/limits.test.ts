/**
 * What keeps a simulator small when it is used like a server: request bodies are capped (a 413 in
 * Adobe's shapes, the rest never read, however the simulator is served), and `maxJobs` bounds how
 * many jobs a sandbox keeps.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REQUEST_BODY_BYTES, ExportJobsSimulator, type SimulatorServer } from '../../src/testing/index.js';
import { simulatorHandlers } from '../../src/testing/msw.js';

const ORG = 'TEST0000000000000000000A@AdobeOrg';
const CAP = 1_024;
const HEADERS = {
  authorization: 'Bearer test-token',
  'x-api-key': 'test-key',
  'x-gw-ims-org-id': ORG,
  'x-sandbox-name': 'dev',
  'content-type': 'application/json',
};
const minimalRequest = { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } };

/**
 * A body that never ends, counting the chunks it was asked for. Each chunk comes a turn of the
 * event loop later, as from a network: msw's interception reads a client's upload with no
 * backpressure, so a source that answered synchronously would keep the event loop busy forever.
 */
function endlessBody(chunkBytes = 256): {
  stream: ReadableStream<Uint8Array>;
  pulled: () => number;
  cancelled: () => boolean;
} {
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        pulls += 1;
        await new Promise((resolve) => setImmediate(resolve));
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulls, cancelled: () => cancelled };
}

function tooLargeBody(): unknown {
  return { error_code: '413001', message: `Request body is larger than ${CAP} bytes` };
}

describe('an oversized request body through simulator.fetch', () => {
  it('is answered 413 with the gateway body, creates nothing, and is logged without its body', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual', maxRequestBodyBytes: CAP });
    const body = JSON.stringify({ ...minimalRequest, padding: 'x'.repeat(CAP) });

    const response = await simulator.fetch('https://platform.adobe.io/data/core/ups/export/jobs', {
      method: 'POST',
      headers: HEADERS,
      body,
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(tooLargeBody());
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(simulator.jobs()).toEqual([]);
    expect(simulator.requests).toMatchObject([
      { method: 'POST', path: '/export/jobs', status: 413, body: undefined, faults: [] },
    ]);
  });

  it('stops reading a body that never ends once the cap is passed', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual', maxRequestBodyBytes: CAP });
    const body = endlessBody(256);

    const response = await simulator.fetch('https://platform.adobe.io/data/core/ups/export/jobs', {
      method: 'POST',
      headers: HEADERS,
      body: body.stream,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(CAP / 256 + 2);
    expect(body.cancelled()).toBe(true);
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual', maxRequestBodyBytes: CAP });
    const body = endlessBody();
    const request = new Request('https://platform.adobe.io/data/core/ups/export/jobs', {
      method: 'POST',
      headers: { ...HEADERS, 'content-length': String(10 * CAP) },
      body: body.stream,
      duplex: 'half',
    } as RequestInit);

    const response = await simulator.handle(request);

    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(1);
  });

  it("answers IMS's own error shape on the token endpoint", async () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual', maxRequestBodyBytes: CAP });
    const response = await simulator.fetch('https://ims-na1.adobelogin.com/ims/token/v3', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&scope=${'openid,'.repeat(CAP)}`,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: `Request body is larger than ${CAP} bytes`,
    });
  });

  it('accepts a body exactly at the cap, and defaults the cap to 1 MiB', async () => {
    expect(DEFAULT_MAX_REQUEST_BODY_BYTES).toBe(1024 * 1024);
    const body = JSON.stringify(minimalRequest);
    const simulator = new ExportJobsSimulator({
      clock: 'manual',
      maxRequestBodyBytes: new TextEncoder().encode(body).length,
    });
    const response = await simulator.fetch('https://platform.adobe.io/data/core/ups/export/jobs', {
      method: 'POST',
      headers: HEADERS,
      body,
    });
    expect(response.status).toBe(200);
    const unbounded = new ExportJobsSimulator({ maxRequestBodyBytes: Infinity });
    expect(unbounded).toBeInstanceOf(ExportJobsSimulator);
    expect(() => new ExportJobsSimulator({ maxRequestBodyBytes: -1 })).toThrow(RangeError);
  });
});

describe('an oversized request body through the msw handlers', () => {
  const simulator = new ExportJobsSimulator({ clock: 'manual', maxRequestBodyBytes: CAP });
  const server = setupServer(...simulatorHandlers(simulator));
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => simulator.reset());
  afterAll(() => server.close());

  it('is answered 413 with the gateway body', async () => {
    const response = await fetch('https://platform.adobe.io/data/core/ups/export/jobs', {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ ...minimalRequest, padding: 'x'.repeat(CAP) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(tooLargeBody());
    expect(simulator.jobs()).toEqual([]);
  });

  it('stops reading a streamed body that never ends', async () => {
    const body = endlessBody(256);
    const response = await fetch('https://platform.adobe.io/data/core/ups/export/jobs', {
      method: 'POST',
      headers: HEADERS,
      body: body.stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    // fetch and msw's interception read ahead a little; never the whole (endless) body.
    expect(body.pulled()).toBeLessThan(100);
  });
});

describe('an oversized request body through the loopback server', () => {
  let server: SimulatorServer;
  beforeAll(async () => {
    server = await new ExportJobsSimulator({ clock: 'manual', maxRequestBodyBytes: CAP }).listen();
  });
  afterAll(() => server.close());

  /**
   * Starts a POST whose body is never ended (`upload: true` keeps writing to it as long as the
   * socket takes more); resolves with the answer, then stops the upload.
   */
  function postWithoutEnd(
    headers: Record<string, string>,
    upload: boolean,
  ): Promise<{ response: IncomingMessage; body: string }> {
    return new Promise((resolve, reject) => {
      let answered = false;
      let pump: NodeJS.Timeout | undefined;
      const url = new URL(`${server.baseUrl}/export/jobs`);
      const request = httpRequest(url, { method: 'POST', headers: { ...HEADERS, ...headers } }, (response) => {
        answered = true;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (text: string) => (body += text));
        response.on('end', () => {
          clearInterval(pump);
          request.destroy();
          resolve({ response, body });
        });
      });
      request.on('error', (error) => (answered ? undefined : reject(error)));
      request.flushHeaders();
      if (upload) {
        const write = () => {
          while (!answered && request.write(Buffer.alloc(512, 0x20)));
        };
        write();
        pump = setInterval(write, 1);
      }
    });
  }

  it('answers 413 with the gateway body while the upload is still going', async () => {
    const { response, body } = await postWithoutEnd({ 'transfer-encoding': 'chunked' }, true);
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(body)).toEqual(tooLargeBody());
    expect(server.simulator.requests.at(-1)).toMatchObject({ status: 413, body: undefined });
  });

  it('answers 413 at once for a declared Content-Length over the cap', async () => {
    const { response, body } = await postWithoutEnd({ 'content-length': String(100 * CAP) }, false);
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(body)).toEqual(tooLargeBody());
  });

  it('keeps serving other clients afterwards', async () => {
    const response = await fetch(`${server.baseUrl}/export/jobs`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify(minimalRequest),
    });
    expect(response.status).toBe(200);
  });
});

describe('job retention with maxJobs', () => {
  function jobIds(simulator: ExportJobsSimulator, sandbox = 'dev'): number[] {
    return simulator.jobs(sandbox).map((job) => job.id);
  }

  it('drops the oldest finished jobs of a sandbox beyond the bound, which then answer 404', async () => {
    const simulator = new ExportJobsSimulator({
      clock: 'manual',
      maxJobs: 3,
      durations: { new: 0, processing: 1_000 },
    });
    const url = 'https://platform.adobe.io/data/core/ups/export/jobs';
    for (let index = 0; index < 5; index += 1) {
      await simulator.fetch(url, { method: 'POST', headers: HEADERS, body: JSON.stringify(minimalRequest) });
      simulator.advance(1_000); // each job has finished before the next is created
    }
    expect(jobIds(simulator)).toEqual([1004, 1003, 1002]);
    expect((await simulator.fetch(`${url}/1000`, { headers: HEADERS })).status).toBe(404);
    const listing = (await (await simulator.fetch(`${url}?limit=10`, { headers: HEADERS })).json()) as {
      records: Array<{ id: number }>;
    };
    expect(listing.records.map((job) => job.id)).toEqual([1004, 1003, 1002]);
  });

  it('never drops a job that is still running, and drops a cancelled one before older finished ones only by age', () => {
    const simulator = new ExportJobsSimulator({ clock: 'manual', maxJobs: 2 });
    const add = (createdAt: number) => simulator.addJob(minimalRequest, { sandboxName: 'dev', orgId: ORG, createdAt });
    const now = simulator.now();
    add(now); // 1000, running
    add(now + 1); // 1001, running
    add(now + 2); // 1002, running: nothing finished, so the sandbox holds 3 for now
    expect(jobIds(simulator)).toEqual([1002, 1001, 1000]);

    simulator.advance(60_000); // all three finished
    add(simulator.now()); // 1003: the two oldest finished go
    expect(jobIds(simulator)).toEqual([1003, 1002]);
  });

  it('counts each sandbox on its own, and keeps every job by default', () => {
    const bounded = new ExportJobsSimulator({ clock: 'manual', maxJobs: 1 });
    const old = bounded.now() - 60_000;
    for (const sandboxName of ['dev', 'prod', 'dev'])
      bounded.addJob(minimalRequest, { sandboxName, orgId: ORG, createdAt: old });
    expect(jobIds(bounded, 'dev')).toEqual([1002]);
    expect(jobIds(bounded, 'prod')).toEqual([1001]);

    const unbounded = new ExportJobsSimulator({ clock: 'manual' });
    for (let index = 0; index < 50; index += 1)
      unbounded.addJob(minimalRequest, { sandboxName: 'dev', createdAt: old });
    expect(unbounded.jobs('dev')).toHaveLength(50);
    expect(() => new ExportJobsSimulator({ maxJobs: 0 })).toThrow(RangeError);
  });
});
