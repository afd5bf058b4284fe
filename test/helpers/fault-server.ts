/**
 * A tiny scriptable HTTP server on 127.0.0.1 for the reliability suite: a real `node:http` server,
 * so the SDK's own fetch (undici), timeouts and socket handling are exercised, not a mock.
 *
 * Each route answers its requests with the given faults in turn (the last one repeats). Every
 * request is recorded (method, path with query, headers, body) before it is answered, so a test can
 * count the POSTs and check which headers reached which origin.
 *
 * Nothing here runs unbounded: delays are `setTimeout`s cleared when the client goes away or the
 * server closes, and `close()` destroys every open connection.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The path with its query string, as sent (`/data/core/ups/export/jobs?limit=2`). */
  path: string;
  /** Lower-cased request headers. */
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a fault is given besides the raw request and response. */
export interface FaultContext {
  request: RecordedRequest;
  server: FaultServer;
  /** Runs `fn` after `ms` on a timer the server clears on close; returns a function that cancels it. */
  later(ms: number, fn: () => void): () => void;
}

/** Answers (or fails to answer) one request. */
export type Fault = (res: ServerResponse, context: FaultContext) => void;

interface Route {
  method: string;
  matches: (path: string) => boolean;
  faults: Fault[];
  served: number;
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in order of arrival. */
  readonly requests: RecordedRequest[];
  /** Requests no route matched (answered 500 `no route`). */
  readonly unmatched: RecordedRequest[];
  /**
   * Answers `method` requests whose path (without the query) equals `path`, or matches it when a
   * RegExp, with `faults` in turn; the last one repeats. Later routes win over earlier ones.
   */
  route(method: string, path: string | RegExp, ...faults: Fault[]): void;
  /** Requests recorded for one method (and path prefix). */
  requestsFor(method: string, pathPrefix?: string): RecordedRequest[];
  /** Forgets the routes and the recorded requests. */
  reset(): void;
  /** Stops listening, clears pending delays and destroys every connection. */
  close(): Promise<void>;
}

/** Starts a fault server on 127.0.0.1 on a free port. */
export async function startFaultServer(): Promise<FaultServer> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const unmatched: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): (() => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return () => {
      clearTimeout(timer);
      timers.delete(timer);
    };
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const pathOnly = recorded.path.split('?')[0]!;
      const route = [...routes]
        .reverse()
        .find((candidate) => candidate.method === recorded.method && candidate.matches(pathOnly));
      if (!route) {
        unmatched.push(recorded);
        sendJson(res, 500, { title: 'no route', path: recorded.path });
        return;
      }
      const fault = route.faults[Math.min(route.served, route.faults.length - 1)]!;
      route.served++;
      fault(res, { request: recorded, server: faultServer, later });
    });
  });
  // Connections the client resets must not crash the server.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  // Declared after listen(): the handler above reads it only for a request, which needs the port.
  const faultServer: FaultServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    unmatched,
    route(method, path, ...faults) {
      if (faults.length === 0) throw new Error('route() needs at least one fault');
      const matches =
        typeof path === 'string'
          ? (candidate: string) => candidate === path
          : (candidate: string) => path.test(candidate);
      routes.push({ method: method.toUpperCase(), matches, faults, served: 0 });
    },
    requestsFor(method, pathPrefix = '') {
      return requests.filter(
        (request) => request.method === method.toUpperCase() && request.path.startsWith(pathPrefix),
      );
    },
    reset() {
      routes.length = 0;
      requests.length = 0;
      unmatched.length = 0;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return faultServer;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// ---------------------------------------------------------------------------------------------
// Faults

/** A JSON answer. */
export const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}): Fault =>
  (res) =>
    sendJson(res, status, body, headers);

/** Any text answer with the given status and content type. */
export const text =
  (body: string, status: number, headers: Record<string, string> = {}): Fault =>
  (res) => {
    res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

/** A 204 with no body. */
export const noContent = (): Fault => (res) => {
  res.writeHead(204);
  res.end();
};

/**
 * Sends a 200 with the full `content-length` of `body`, writes half of it, then destroys the
 * socket: the status and headers arrived, the body never completes.
 */
export const resetMidBody =
  (body: unknown): Fault =>
  (res, context) => {
    const full = Buffer.from(JSON.stringify(body));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': full.length });
    res.write(full.subarray(0, Math.floor(full.length / 2)), () => {
      // Give the half body a moment to leave before the reset.
      context.later(5, () => res.socket?.destroy());
    });
  };

/** Destroys the connection before any byte of the response is sent. */
export const resetBeforeHeaders = (): Fault => (res) => {
  res.socket?.destroy();
};

/**
 * Holds the response back for `ms`, then answers with `then` (if the client is still there).
 * Use an `ms` well beyond the client's timeout: the client gives up first, and the timer is
 * cleared as soon as it does.
 */
export const delayHeaders =
  (ms: number, then: Fault = json({})): Fault =>
  (res, context) => {
    const cancel = context.later(ms, () => {
      if (!res.destroyed && !res.socket?.destroyed) then(res, context);
    });
    res.on('close', cancel);
  };

/** A 200 whose JSON body is cut off part-way (with a `content-length` matching what is sent). */
export const truncatedJson =
  (body: unknown, keep = 0.6): Fault =>
  (res) => {
    const full = JSON.stringify(body);
    const cut = full.slice(0, Math.max(1, Math.floor(full.length * keep)));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
    res.end(cut);
  };

/** An HTML error page from a proxy, such as nginx's 502. */
export const htmlPage = (status = 502, title = '502 Bad Gateway'): Fault =>
  text(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    status,
    { 'content-type': 'text/html' },
  );

/** A 429 with `Retry-After` (seconds) and the gateway's error body. */
export const rateLimited = (retryAfterSeconds: number | string = 0): Fault =>
  json({ error_code: '429001', message: 'Too many requests' }, 429, { 'retry-after': String(retryAfterSeconds) });

/** A 503 platform problem, optionally with `Retry-After`. */
export const unavailable = (retryAfterSeconds?: number): Fault =>
  json(
    { type: 'http://ns.adobe.com/aep/errors/UPS-503', title: 'Service Unavailable', status: 503 },
    503,
    retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
  );

/** A redirect to `location`. */
export const redirect =
  (location: string, status = 302): Fault =>
  (res) => {
    res.writeHead(status, { location, 'content-length': 0 });
    res.end();
  };

/** The gateway's 401 for a token it refuses. */
export const unauthorized = (): Fault => json({ error_code: '401013', message: 'Oauth token is not valid' }, 401);

/**
 * Sends a 200 with the full `content-length` and half of `body`, then holds the rest back until the
 * client goes away (or the server closes): the body never completes.
 */
export const stallBody =
  (body: unknown): Fault =>
  (res) => {
    const full = Buffer.from(JSON.stringify(body));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': full.length });
    res.write(full.subarray(0, Math.floor(full.length / 2)));
  };
