/**
 * The attacker's side for the hostile download tests: the simulator's Data Access lists the
 * files, and a test's `lie` answers the downloads, in process (the client's `fetch`) or over a
 * loopback `node:http` server (real sockets, undici). Each test gets a temporary root holding the
 * download folder `dir` and a folder `outside` of victims, whose state can be snapshotted to show
 * that nothing outside `dir` changed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { ExportJobsClient } from '../../src/index.js';
import { ExportJobsSimulator } from '../../src/testing/index.js';

/** A download request as the attacker sees it. */
export interface DownloadRequest {
  name: string;
  /** The `Range` header sent, or `null`. */
  range: string | null;
  /** The file's true bytes. */
  bytes: Uint8Array;
}

export type Lie = (request: DownloadRequest) => Response;

export interface Hostile {
  root: string;
  /** The download folder (not created). */
  dir: string;
  /** A folder beside `dir` holding the victims (created, empty). */
  outside: string;
  simulator: ExportJobsSimulator;
  client: ExportJobsClient;
  /** The download requests seen (not the listings). */
  downloads: DownloadRequest[];
  /** Answers the downloads from now on; without one, the simulator answers honestly. */
  lie(answer: Lie | undefined): void;
  /** Changes every listed entry (its `length`...) before the client reads it. */
  rewriteListing(rewrite: (entry: Record<string, unknown>) => void): void;
  /** Serves everything over a loopback server and points the client at it. */
  useLoopback(): Promise<void>;
}

const ORG = '1BD6382559DF0C130A49422D@AdobeOrg';

/** Sets up a fresh `Hostile` before each test of the file, and removes its folder after. */
export function useHostile(): Hostile {
  const hostile = {} as Hostile;
  let server: Server | undefined;
  beforeEach(async () => {
    // Realpath: macOS's TMPDIR is reached through a link, which would make every path compare unequal.
    const root = await realpath(await mkdtemp(join(tmpdir(), 'aep-hostile-')));
    const outside = join(root, 'outside');
    await mkdir(outside);
    const simulator = new ExportJobsSimulator({ clock: 'manual' });
    let answer: Lie | undefined;
    let rewrite: ((entry: Record<string, unknown>) => void) | undefined;
    const downloads: DownloadRequest[] = [];
    const fetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const name = url.searchParams.get('path');
      if (name !== null) {
        const seen = { name, range: request.headers.get('range'), bytes: simulator.fileBytes('b1', name) };
        downloads.push(seen);
        if (answer) return answer(seen);
      }
      const response = await simulator.fetch(request);
      if (!rewrite || name !== null || !/\/files\/[^/]+$/.test(url.pathname)) return response;
      const body = (await response.json()) as { data: Array<Record<string, unknown>> };
      for (const entry of body.data) rewrite(entry);
      return Response.json(body, { status: response.status });
    };
    const client = (baseUrl?: string) =>
      new ExportJobsClient({
        accessToken: 'token',
        apiKey: 'client-id',
        orgId: ORG,
        sandboxName: 'dev',
        ...(baseUrl ? { baseUrl } : { fetch }),
      });
    Object.assign(hostile, {
      root,
      dir: join(root, 'export'),
      outside,
      simulator,
      client: client(),
      downloads,
      lie: (next: Lie | undefined) => void (answer = next),
      rewriteListing: (next: (entry: Record<string, unknown>) => void) => void (rewrite = next),
      useLoopback: async () => {
        server = createServer((req, res) => {
          const headers = new Headers();
          for (const [key, value] of Object.entries(req.headers))
            if (typeof value === 'string') headers.set(key, value);
          fetch(`http://127.0.0.1:${(server!.address() as AddressInfo).port}${req.url}`, {
            method: req.method,
            headers,
          })
            .then(async (response) => {
              res.writeHead(response.status, Object.fromEntries(response.headers));
              if (response.body) for await (const chunk of response.body) res.write(chunk);
              res.end();
            })
            .catch(() => res.destroy());
        });
        await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
        hostile.client = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}/data/core/ups`);
      },
    });
    // No backoff between resumes.
    vi.spyOn(Math, 'random').mockReturnValue(0);
  });
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await rm(hostile.root, { recursive: true, force: true });
  });
  return hostile;
}

/**
 * Everything under `folder`: each path with its kind and content (a link's target, a file's
 * bytes), so that two snapshots are equal only if nothing was created, removed or changed.
 */
export async function snapshot(folder: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  const walk = async (path: string, shown: string): Promise<void> => {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) found[shown] = `link -> ${await readlink(path)}`;
    else if (stats.isDirectory()) {
      found[shown] = 'folder';
      for (const entry of (await readdir(path)).sort()) await walk(join(path, entry), `${shown}/${entry}`);
    } else found[shown] = `file ${(await readFile(path)).toString('base64')}`;
  };
  await walk(folder, '.');
  return found;
}

/** A response with a body and the given headers; `content-length` is added unless `chunked`. */
export function answer(
  status: number,
  body: Uint8Array,
  headers: Record<string, string> = {},
  { chunked = false } = {},
): Response {
  const all = {
    'content-type': 'application/octet-stream',
    ...(chunked ? {} : { 'content-length': String(body.length) }),
    ...headers,
  };
  // A stream, so that the body is not given a length of its own.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body);
      controller.close();
    },
  });
  return new Response(status === 204 ? null : stream, { status, headers: all });
}
