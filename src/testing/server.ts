import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIMULATOR_IMS_PATH } from './ims.js';
import { ExportJobsSimulator, waitOut } from './simulator.js';

/** Where {@link startSimulatorServer} listens. */
export interface SimulatorServerOptions {
  /** The port; default 0, a free one chosen by the system (read it from `port`). */
  port?: number;
  /** The interface; default `127.0.0.1`, loopback only. */
  host?: string;
}

/** A running simulator server. */
export interface SimulatorServer {
  /** The server's origin, such as `http://127.0.0.1:51234`. */
  readonly url: string;
  /** The API's base URL to give the client (`baseUrl`): `url` plus the simulator's base path. */
  readonly baseUrl: string;
  /**
   * The simulator's IMS token endpoint, to give OAuth credentials (`credentials.imsUrl`): `url`
   * plus {@link SIMULATOR_IMS_PATH}, such as `http://127.0.0.1:51234/ims/token/v3`.
   */
  readonly imsUrl: string;
  /** The simulated Catalog Service's base URL (`catalogUrl`): `url` plus `/data/foundation/catalog`, the client's default for this `baseUrl`. */
  readonly catalogUrl: string;
  /** The simulated Data Access API's base URL (`dataAccessUrl`): `url` plus `/data/foundation/export`, the client's default for this `baseUrl`. */
  readonly dataAccessUrl: string;
  /** The port it listens on. */
  readonly port: number;
  /** The interface it listens on. */
  readonly host: string;
  /** The simulator it serves: inspect jobs, move the clock, inject faults. */
  readonly simulator: ExportJobsSimulator;
  /** Stops listening and closes every open connection, kept-alive ones included. */
  close(): Promise<void>;
}

/**
 * Serves a simulator over real HTTP with `node:http`, on loopback by default. Injected latency is a
 * real wait here; a dropped connection destroys the socket, as a crashed proxy would. File
 * downloads stream with backpressure (a chunk is generated when the socket has room for it), so a
 * 50 MB file costs the server a few chunks of memory; a drop `afterBytes` writes that many bytes
 * of the body, then destroys the socket.
 *
 * @example
 * ```ts
 * import { ExportJobsClient } from 'aep-export-jobs';
 * import { ExportJobsSimulator, startSimulatorServer } from 'aep-export-jobs/testing';
 *
 * const server = await startSimulatorServer(new ExportJobsSimulator({ clock: 'manual' }));
 * const client = new ExportJobsClient({
 *   accessToken: 'token', apiKey: 'key', orgId: 'ORG@AdobeOrg', sandboxName: 'dev',
 *   baseUrl: server.baseUrl, // http://127.0.0.1:<port>/data/core/ups
 * });
 * // With OAuth Server-to-Server credentials, the same server plays IMS:
 * const oauthClient = new ExportJobsClient({
 *   credentials: { clientId: 'id', clientSecret: 'secret', imsUrl: server.imsUrl },
 *   orgId: 'ORG@AdobeOrg', sandboxName: 'dev', baseUrl: server.baseUrl,
 * });
 * // ... use the clients, then:
 * await server.close();
 * ```
 */
export async function startSimulatorServer(
  simulator: ExportJobsSimulator = new ExportJobsSimulator(),
  options: SimulatorServerOptions = {},
): Promise<SimulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    serve(simulator, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain;charset=utf-8' }).end(`Simulator error: ${error instanceof Error ? error.message : String(error)}`);
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
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    baseUrl: `${url}${simulator.basePath}`,
    imsUrl: `${url}${SIMULATOR_IMS_PATH}`,
    catalogUrl: `${url}${simulator.catalogBasePath}`,
    dataAccessUrl: `${url}${simulator.dataAccessBasePath}`,
    port,
    host,
    simulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Kept-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

async function serve(simulator: ExportJobsSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('The client closed the connection'));
  });
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
  const headers = new Headers();
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    headers.append(req.rawHeaders[index] as string, req.rawHeaders[index + 1] as string);
  }
  const origin = `http://${req.headers.host ?? 'localhost'}`;
  const request = new Request(new URL(req.url ?? '/', origin), { method, headers, body, signal: controller.signal });

  const outcome = await simulator.dispatch(request);
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

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}
