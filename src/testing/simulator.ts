/**
 * The simulator as its users see it: one object composing the export jobs service, the gateway,
 * the fake IMS, Catalog and Data Access, the faults and the request log, served by three adapters
 * (`fetch` here, msw handlers in `msw.ts`, node:http in `http.ts`).
 */
import type { SimulatedDataset } from './catalog.js';
import { createClock, type SimulatorClock } from './clock.js';
import { waitOut, type DispatchOptions, type SimulatorOutcome } from './delivery.js';
import type { FaultOptions, InjectedFault, SimulatedFault } from './faults.js';
import type { SimulatorServerOptions } from './http.js';
import { SIMULATOR_IMS_PATH } from './ims.js';
import {
  DEFAULT_BASE_PATH,
  DEFAULT_CATALOG_BASE_PATH,
  DEFAULT_DATA_ACCESS_BASE_PATH,
  DEFAULT_SIMULATED_ORG_ID,
  type AddBatchFileOptions,
  type AddJobOptions,
  type ExportJobsSimulatorOptions,
  type SimulatedBatchFile,
  type SimulatedExportJob,
} from './options.js';
import { renderJob } from './outcome.js';
import type { RecordedRequest } from './request-log.js';
import { createServices, dispatch, normaliseBasePath, type Services } from './router.js';
import { readCreateRequest } from './validate.js';

/** A running simulator server: {@link startSimulatorServer} or `simulator.listen()`. */
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
  /** The simulated Catalog Service's base URL (`catalogUrl`): `url` plus `/data/foundation/catalog` by default. */
  readonly catalogUrl: string;
  /** The simulated Data Access API's base URL (`dataAccessUrl`): `url` plus `/data/foundation/export` by default. */
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
 * An in-memory simulation of the AEP Segmentation Service export jobs API (`/export/jobs`):
 * create, get, list (with the cursor pagination and its relative `link.next`) and cancel, the
 * gateway's header checks, isolated sandboxes, jobs that move `NEW` → `PROCESSING` →
 * `SUCCEEDED`/`FAILED` on a clock you control, and injectable faults. It also plays Adobe IMS
 * (`POST /ims/token/v3`), so OAuth Server-to-Server `credentials` work with no Adobe account: its
 * tokens expire on the simulator's clock, which is how to test a client's renewal.
 *
 * The core speaks the Fetch API (`handle(request) → response`), so the same simulator serves
 * msw handlers (`aep-export-jobs/testing/msw`), a loopback HTTP server ({@link startSimulatorServer})
 * and a `fetch` function for the client's `fetch` option. Job states are computed from the clock
 * on each read: nothing runs in the background and no timer is left behind. A page of a listing
 * costs O(limit + log N) in a sandbox of N jobs, and `maxJobs` bounds how many a sandbox keeps.
 *
 * @example
 * ```ts
 * import { ExportJobsClient } from 'aep-export-jobs';
 * import { ExportJobsSimulator } from 'aep-export-jobs/testing';
 *
 * const simulator = new ExportJobsSimulator({ clock: 'manual' });
 * const client = new ExportJobsClient({
 *   accessToken: 'token', apiKey: 'key', orgId: 'ORG@AdobeOrg', sandboxName: 'dev',
 *   fetch: simulator.fetch,
 * });
 * const job = await client.createExportJob({ destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } });
 * simulator.advance(10_000);
 * (await client.getExportJob(job.id)).status; // 'SUCCEEDED'
 *
 * // OAuth Server-to-Server through the simulator's IMS (it answers IMS's default URL too):
 * const oauthClient = new ExportJobsClient({
 *   credentials: { clientId: 'id', clientSecret: 'secret' }, orgId: 'ORG@AdobeOrg', sandboxName: 'dev',
 *   fetch: simulator.fetch,
 * });
 * ```
 */
export class ExportJobsSimulator {
  /** The path prefix the API is served under, such as `/data/core/ups` (no trailing slash). */
  readonly basePath: string;
  /** The path prefix the Catalog Service is served under: `/data/foundation/catalog` by default. */
  readonly catalogBasePath: string;
  /** The path prefix the Data Access API is served under: `/data/foundation/export` by default. */
  readonly dataAccessBasePath: string;
  /** The clock job states are computed from. */
  readonly clock: SimulatorClock;

  readonly #services: Services;

  constructor(options: ExportJobsSimulatorOptions = {}) {
    this.basePath = normaliseBasePath(options.basePath ?? DEFAULT_BASE_PATH);
    this.catalogBasePath = normaliseBasePath(options.catalogBasePath ?? DEFAULT_CATALOG_BASE_PATH);
    this.dataAccessBasePath = normaliseBasePath(options.dataAccessBasePath ?? DEFAULT_DATA_ACCESS_BASE_PATH);
    this.clock = createClock(options.clock);
    this.#services = createServices(options, this);
  }

  /** The simulator's current time, in epoch ms. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Moves the clock forward by `ms`: every job progresses accordingly on its next read.
   *
   * @example
   * ```ts
   * simulator.advance(2_000); // NEW → PROCESSING with the default durations
   * ```
   */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /**
   * Answers one request, waiting out any injected latency; a dropped connection is `Response.error()`.
   * For a client, prefer {@link ExportJobsSimulator.fetch}, which rejects like a real dropped connection.
   */
  async handle(request: Request): Promise<Response> {
    const outcome = await this.dispatch(request);
    await waitOut(outcome, request.signal);
    return outcome.type === 'drop' ? Response.error() : outcome.response;
  }

  /**
   * A `fetch` served by the simulator, for the client's `fetch` option: no msw, no sockets. A dropped
   * connection rejects with undici's `TypeError('fetch failed')`; latency waits on `setTimeout` and
   * ends when the request's signal aborts. Bodies are streams: a file download is generated as it
   * is read, a drop `afterBytes` errors the stream as undici does, and an abort of the request's
   * signal errors it with the signal's reason.
   *
   * @example
   * ```ts
   * const client = new ExportJobsClient({ ...settings, fetch: simulator.fetch });
   * ```
   */
  readonly fetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.signal.aborted) throw request.signal.reason;
    const outcome = await this.dispatch(request);
    await waitOut(outcome, request.signal);
    if (outcome.type === 'drop') {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      });
    }
    return outcome.response;
  };

  /**
   * The core: decides the answer to one request without waiting, leaving latency and dropped
   * connections to the adapter. `basePath` overrides the simulator's for this request (msw
   * handlers mounted on another base URL use it). The IMS token endpoint is routed first, so it
   * answers on its own path whatever the base path; then the Catalog and Data Access base paths
   * (`catalogBasePath`, `dataAccessBasePath`), then the export jobs API under `basePath`. A body
   * over `maxRequestBodyBytes` is answered 413 before any fault applies, and never read whole.
   */
  dispatch(
    request: Request,
    basePath: string = this.basePath,
    options: DispatchOptions = {},
  ): Promise<SimulatorOutcome> {
    return dispatch(this.#services, request, basePath, options);
  }

  /**
   * Injects a fault into the next matching request(s): by default the next one only, or a share of
   * all of them with `probability`. Returns a handle to see its hits or remove it.
   *
   * @example
   * ```ts
   * simulator.inject({ kind: 'status', status: 503, retryAfter: 1 });               // next request: 503
   * simulator.inject({ kind: 'drop' }, { match: { method: 'POST' }, when: 'response' }); // job created, answer lost
   * simulator.inject({ kind: 'applied-then-drop' }, { match: { method: 'POST' } });       // the same, by name
   * simulator.inject({ kind: 'applied-then-status', status: 503 }, { match: { method: 'POST' } }); // made, then 503
   * simulator.inject({ kind: 'latency', ms: 5_000 }, { times: 3 });
   * // Faults without a path spare the IMS token endpoint; name its path to hit it:
   * simulator.inject({ kind: 'status', status: 503 }, { match: { path: SIMULATOR_IMS_PATH } });
   * ```
   */
  inject(fault: SimulatedFault, options?: FaultOptions): InjectedFault {
    return this.#services.faults.add(fault, options);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.#services.faults.clear();
  }

  /**
   * Forgets every job, request and fault, restarts ids at 1000 and `tokensIssued` at 0. The clock,
   * the options and the tokens already issued are kept: a client that caches a token across tests
   * keeps using it, as it would with Adobe.
   */
  reset(): void {
    this.#services.jobs.reset();
    this.#services.log.clear();
    this.#services.faults.clear();
    this.#services.ims.issued = 0;
    this.#services.catalog.reset();
    this.#services.dataAccess.reset();
  }

  /**
   * The datasets created through the simulated Catalog (`POST /dataSets`), oldest first; only those
   * of one sandbox when given.
   *
   * @example
   * ```ts
   * const id = await client.createProfileExportDataset({ name: 'Audience export' });
   * simulator.datasets('dev'); // [{ id, name: 'Audience export', schemaRef: { id: 'https://ns.adobe.com/xdm/context/profile__union', ... }, ... }]
   * ```
   */
  datasets(sandboxName?: string): SimulatedDataset[] {
    return this.#services.catalog
      .list(sandboxName === undefined ? undefined : { sandbox: sandboxName })
      .map((dataset) => structuredClone(dataset));
  }

  /**
   * The files a batch holds in Data Access, whatever the sandbox: a `SUCCEEDED` job's generated
   * files, then any added with {@link ExportJobsSimulator.addBatchFile}. Empty for a batch that
   * holds nothing (yet: a job's batch fills when the job succeeds).
   *
   * @example
   * ```ts
   * const job = simulator.job(1000)!;
   * if (!job.destination.segmentPerBatch) simulator.batchFiles(job.destination.batchId!); // [{ name: 'part-00000-...-c000.snappy.parquet', size: 65536, ... }]
   * ```
   */
  batchFiles(batchId: string): SimulatedBatchFile[] {
    return this.#services.dataAccess.files(batchId);
  }

  /**
   * The exact bytes Data Access serves for a file of a batch, to compare a download with. Throws a
   * `RangeError` for a file the batch does not hold.
   *
   * @example
   * ```ts
   * const [file] = simulator.batchFiles(batchId);
   * expect(new Uint8Array(await readFile(join(dir, file.name)))).toEqual(simulator.fileBytes(batchId, file.name));
   * ```
   */
  fileBytes(batchId: string, name: string): Uint8Array {
    const bytes = this.#services.dataAccess.bytes(batchId, name);
    if (!bytes) throw new RangeError(`Batch ${batchId} holds no file named ${JSON.stringify(name)}`);
    return bytes;
  }

  /**
   * Adds a file to a batch (any batch id: a job's, or one of the test's own): its bytes, or a size
   * to generate them. Its name is served as given, so a test can serve `../evil.parquet`; with
   * `length`, the listing reports a size that disagrees with the bytes. Visible to every sandbox
   * unless `sandboxName`/`orgId` say otherwise.
   *
   * @example
   * ```ts
   * simulator.addBatchFile('batch-1', '../evil.parquet', new TextEncoder().encode('owned'));
   * simulator.addBatchFile('batch-1', 'short.parquet', 1_000, { length: 2_000 });
   * ```
   */
  addBatchFile(
    batchId: string,
    name: string,
    content: Uint8Array | number,
    options?: AddBatchFileOptions,
  ): SimulatedBatchFile {
    return this.#services.dataAccess.addFile(batchId, name, content, options);
  }

  /**
   * File downloads (`GET /files/{id}?path=`) being answered now: counted from the request's arrival
   * (injected latency included) until its body is fully read, broken off or cancelled.
   */
  get downloadsInFlight(): number {
    return this.#services.dataAccess.inFlight;
  }

  /** The most file downloads answered at once since the simulator was made (or `reset`): how a test checks a client's concurrency. */
  get peakDownloadsInFlight(): number {
    return this.#services.dataAccess.peakInFlight;
  }

  /**
   * How many access tokens the simulator's IMS has issued (since the last `reset`): how a test
   * checks that a client caches its token, and renews it when it must.
   *
   * @example
   * ```ts
   * const client = new ExportJobsClient({
   *   credentials: { clientId: 'id', clientSecret: 'secret' }, // IMS's default URL: simulator.fetch answers it
   *   orgId: 'ORG@AdobeOrg', sandboxName: 'dev', fetch: simulator.fetch,
   * });
   * await client.listExportJobs();
   * await client.listExportJobs();
   * simulator.tokensIssued; // 1
   * ```
   */
  get tokensIssued(): number {
    return this.#services.ims.issued;
  }

  /** Every request received so far (up to `requestLogLimit`), oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.#services.log.list();
  }

  /**
   * The jobs as the API would show them now, newest first; only those of one sandbox when given.
   * Jobs not yet listed by the API (`listVisibilityDelayMs`) are shown too: this is the truth, for
   * counting what a client created.
   *
   * @example
   * ```ts
   * expect(simulator.jobs('dev').map((job) => job.status)).toEqual(['NEW']);
   * ```
   */
  jobs(sandboxName?: string): SimulatedExportJob[] {
    return this.#services.jobs.jobs(sandboxName, this.clock.now());
  }

  /** One job as the API would show it now, whatever its sandbox; `undefined` when unknown. */
  job(id: number): SimulatedExportJob | undefined {
    return this.#services.jobs.job(id, this.clock.now());
  }

  /**
   * Adds a job without going through HTTP: to fill a list for pagination tests, or to start from a
   * job that is already done (give an earlier `createdAt`). The request is checked like a create;
   * an invalid one throws a `TypeError` listing the problems.
   *
   * @example
   * ```ts
   * const old = simulator.addJob(
   *   { destination: { datasetId: 'ds-1' }, schema: { name: '_xdm.context.profile' } },
   *   { sandboxName: 'dev', orgId: 'ORG@AdobeOrg', createdAt: simulator.now() - 60_000 },
   * );
   * old.status; // 'SUCCEEDED'
   * ```
   */
  addJob(request: unknown, options: AddJobOptions = {}): SimulatedExportJob {
    const read = readCreateRequest(request);
    if ('problems' in read)
      throw new TypeError(
        `Invalid export job request:\n${read.problems.map((problem) => `  - ${problem}`).join('\n')}`,
      );
    const now = this.clock.now();
    const createdAt = options.createdAt instanceof Date ? options.createdAt.getTime() : (options.createdAt ?? now);
    const scope = {
      orgId: options.orgId ?? this.#services.gateway.orgId ?? DEFAULT_SIMULATED_ORG_ID,
      sandbox: options.sandboxName ?? 'prod',
      requestId: globalThis.crypto.randomUUID(),
      profileInstanceId: options.profileInstanceId,
    };
    return renderJob(this.#services.jobs.add(read.request, scope, createdAt, now), now);
  }

  /**
   * Serves this simulator over HTTP on loopback (`127.0.0.1`, a free port unless one is given).
   * Close the server when done.
   *
   * @example
   * ```ts
   * const server = await simulator.listen();
   * const client = new ExportJobsClient({ ...settings, baseUrl: server.baseUrl });
   * await server.close();
   * ```
   */
  async listen(options?: number | SimulatorServerOptions): Promise<SimulatorServer> {
    // Loaded on demand so that the core (and the msw adapter) never pull in node:http.
    const { serveOverHttp } = await import('./http.js');
    const listener = await serveOverHttp(this, typeof options === 'number' ? { port: options } : options);
    return {
      ...listener,
      close: () => listener.close(),
      baseUrl: `${listener.url}${this.basePath}`,
      imsUrl: `${listener.url}${SIMULATOR_IMS_PATH}`,
      catalogUrl: `${listener.url}${this.catalogBasePath}`,
      dataAccessUrl: `${listener.url}${this.dataAccessBasePath}`,
      simulator: this,
    };
  }
}
