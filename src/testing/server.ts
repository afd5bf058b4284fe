/**
 * `startSimulatorServer`, the public way to serve a simulator over `node:http`. The serving itself
 * is in `http.ts`, which `simulator.listen()` loads on demand: this module only adds a default
 * simulator, so nothing imports it back.
 */
import { ExportJobsSimulator, type SimulatorServer } from './simulator.js';
import type { SimulatorServerOptions } from './http.js';

export type { SimulatorServer } from './simulator.js';
export type { SimulatorServerOptions } from './http.js';

/**
 * Serves a simulator over real HTTP with `node:http`, on loopback by default. Injected latency is a
 * real wait here; a dropped connection destroys the socket, as a crashed proxy would. File
 * downloads stream with backpressure (a chunk is generated when the socket has room for it), so a
 * 50 MB file costs the server a few chunks of memory; a drop `afterBytes` writes that many bytes
 * of the body, then destroys the socket. A request body over `maxRequestBodyBytes` is answered 413
 * as soon as the cap is passed; the rest is discarded unread and the connection closed.
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
  return simulator.listen(options);
}
