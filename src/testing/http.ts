/**
 * The simulator served over real HTTP with `node:http`. Only loaded when a server is started, so
 * that the core (and the msw adapter) never pull in node:http; it needs nothing of the simulator
 * but its core, which keeps it out of an import cycle with `simulator.ts`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitOut, type Dispatcher } from './delivery.js';

/** Where {@link startSimulatorServer} listens. */
export interface SimulatorServerOptions {
  /** The port; default 0, a free one chosen by the system (read it from `port`). */
  port?: number;
  /** The interface; default `127.0.0.1`, loopback only. */
  host?: string;
}

/** A listening server: its origin, port and interface, and how to stop it. */
export interface HttpListener {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** Serves `simulator` until closed; errors of the simulator itself answer 500. */
export async function serveOverHttp(
  simulator: Dispatcher,
  options: SimulatorServerOptions = {},
): Promise<HttpListener> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    serve(simulator, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else
        res
          .writeHead(500, { 'content-type': 'text/plain;charset=utf-8' })
          .end(`Simulator error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Kept-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

async function serve(simulator: Dispatcher, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('The client closed the connection'));
  });
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : bodyStream(req);
  const headers = new Headers();
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    headers.append(req.rawHeaders[index] as string, req.rawHeaders[index + 1] as string);
  }
  const origin = `http://${req.headers.host ?? 'localhost'}`;
  const request = new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    body,
    signal: controller.signal,
    duplex: 'half',
  } as RequestInit);

  const outcome = await simulator.dispatch(request);
  if (!req.complete) {
    // A body refused for its size: the rest is discarded as it arrives, never kept, so that the
    // connection stays usable. Closing it instead would make the kernel reset it while the upload
    // is still coming in, and the client could lose the 413 it has not read yet.
    req.removeAllListeners('data');
    req.resume();
  }
  try {
    await waitOut(outcome, controller.signal);
  } catch {
    return; // the client is gone; there is no one to answer
  }
  if (outcome.type === 'drop') {
    req.socket.destroy();
    return;
  }
  const response = outcome.response;
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  if (response.body === null) {
    // No body (a HEAD keeps the Content-Length it was given: the size of what a GET would send).
    res.writeHead(response.status, { 'content-length': '0', ...responseHeaders });
    res.end();
    return;
  }
  if (!response.headers.has('content-length')) {
    // A JSON answer: small, sent whole with its length.
    const payload = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, { ...responseHeaders, 'content-length': String(payload.length) });
    res.end(payload);
    return;
  }
  res.writeHead(response.status, responseHeaders);
  await streamBody(response.body, res);
}

/**
 * Writes a body as it is read, waiting for `drain` whenever the socket's buffer is full. If the
 * body errors (a drop `afterBytes`), the bytes already written are flushed and the socket destroyed,
 * so the client sees the connection break in the middle of the body.
 */
async function streamBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  const closed = new Promise<void>((resolve) => res.once('close', resolve));
  let flushed: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      flushed = new Promise<void>((resolve) => res.write(value, () => resolve()));
      if (res.writableNeedDrain) {
        let onDrain = () => {};
        await Promise.race([new Promise<void>((resolve) => res.once('drain', (onDrain = resolve))), closed]);
        res.off('drain', onDrain);
      }
    }
  } catch {
    await Promise.race([flushed, closed]);
    res.destroy();
    return;
  }
  res.end();
}

/**
 * The request's body as a stream read on demand, so that the simulator can stop reading at its
 * size cap. Cancelling it leaves the rest unread without destroying the socket, which still has
 * an answer to carry.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  const finish = (act: () => void) => {
    if (done) return;
    done = true;
    act();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => finish(() => controller.close()));
        req.once('error', (error) => finish(() => controller.error(error)));
      },
      pull() {
        req.resume();
      },
      cancel() {
        finish(() => req.pause());
      },
    },
    { highWaterMark: 1 },
  );
}
