import type { ExportJob, Metrics } from '../models/export-job.js';
import { createClock, type ClockOption, type SimulatorClock } from './clock.js';
import { sleep } from '../internal/http/sleep.js';
import { FaultList, type FaultOptions, type InjectedFault, type SimulatedFault, type SimulatedService } from './faults.js';
import { faultBody, faultResponse, gatewayError, jsonResponse, serviceError } from './responses.js';
import { truncatedStream } from './bytes.js';
import { SimulatedCatalog, viewIdOf, type SimulatedDataset } from './catalog.js';
import { SimulatedDataAccess, type AddBatchFileOptions, type BatchOwner, type ExportFilesOptions, type SimulatedBatchFile } from './data-access.js';
import { readCreateRequest, type StoredRequest, type StoredSegment } from './validate.js';
import { imsFaultBody, recordedBody, recordedQuery, SimulatedIms, SIMULATOR_IMS_PATH, type SimulatorImsOptions } from './ims.js';
import type { SimulatorServer, SimulatorServerOptions } from './server.js';

/** The path the API lives under on `platform.adobe.io`. */
export const DEFAULT_BASE_PATH = '/data/core/ups';
/** The path the Catalog Service lives under on `platform.adobe.io`. */
export const DEFAULT_CATALOG_BASE_PATH = '/data/foundation/catalog';
/** The path the Data Access API lives under on `platform.adobe.io`. */
export const DEFAULT_DATA_ACCESS_BASE_PATH = '/data/foundation/export';
/** How long a job stays `NEW`, then `PROCESSING`, in ms, unless `durations` says otherwise. */
export const DEFAULT_DURATIONS: Readonly<SimulatorDurations> = Object.freeze({ new: 2_000, processing: 8_000 });
/**
 * The page size of a list without `limit`. Adobe documents no default; 20 is a guess, so a client
 * that depends on it should send `limit`.
 */
export const DEFAULT_PAGE_SIZE = 20;
/** Profiles each exported segment yields in the metrics, unless `profilesPerSegment` says otherwise. */
export const DEFAULT_PROFILES_PER_SEGMENT = 100;
/** The id of the first job; later jobs count up from it. */
export const FIRST_JOB_ID = 1000;
/** The organization `addJob` files jobs under when none is given and `credentials.orgId` is unset. */
export const DEFAULT_SIMULATED_ORG_ID = '00000000000000000000000A@AdobeOrg';

/** The share of the processing time spent exporting profiles; the rest writes the dataset. */
const EXPORT_SHARE = 0.7;
const NOT_FOUND_CODE = 'UPAPI-113430-404';
const INVALID_REQUEST_CODE = 'UPAPI-113434-400';
const NO_ROUTE_CODE = 'UPAPI-113000-404';
const LIST_STATUSES = new Set(['NEW', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);

/** How long a job spends in each state before moving on, in ms. */
export interface SimulatorDurations {
  /** Time spent `NEW` after creation. */
  new: number;
  /** Time spent `PROCESSING` before `SUCCEEDED` (or `FAILED`). */
  processing: number;
}

/**
 * The credentials the simulator accepts. Anything left unset accepts any non-empty value, so a
 * simulator with no `credentials` only checks that each header is present.
 */
export interface SimulatorCredentials {
  /**
   * The bearer token, or a predicate over the token (to accept a family of tokens, or count renewals).
   * Tokens issued by the simulator's own IMS are not checked against it: they are valid until they
   * expire on the simulator's clock.
   */
  accessToken?: string | ((token: string) => boolean);
  /** The `x-api-key`, or a predicate over it. */
  apiKey?: string | ((apiKey: string) => boolean);
  /** The only `x-gw-ims-org-id` accepted; another one gets 403 `403025`. */
  orgId?: string;
}

/**
 * Settings of an {@link ExportJobsSimulator}; every one is optional.
 *
 * @example
 * ```ts
 * const simulator = new ExportJobsSimulator({
 *   clock: 'manual',
 *   durations: { new: 1_000, processing: 5_000 },
 *   failingSegments: ['segment-that-fails'],
 *   profilesPerSegment: { 'big-segment': 1_000_000 },
 *   credentials: { accessToken: 'test-token', apiKey: 'test-client-id', orgId: 'TEST@AdobeOrg' },
 * });
 * ```
 */
export interface ExportJobsSimulatorOptions {
  /** The path prefix the API is served under. Default `/data/core/ups`, as on `platform.adobe.io`. */
  basePath?: string;
  /** Where time comes from. Default `'real'`; tests usually want `'manual'` and `advance(ms)`. */
  clock?: ClockOption;
  /** How long jobs stay `NEW` and `PROCESSING`, in ms. Default `{ new: 2_000, processing: 8_000 }`. */
  durations?: Partial<SimulatorDurations>;
  /** Segment ids whose jobs end `FAILED`, with Adobe-shaped `errors[]`, instead of `SUCCEEDED`. */
  failingSegments?: readonly string[];
  /**
   * Profiles each segment yields in a finished job's metrics: one number for all, or per segment id
   * (others get 100). A job without segments exports "all profiles": one segment's worth.
   */
  profilesPerSegment?: number | Readonly<Record<string, number>>;
  /** What the authentication headers must hold. Default: any non-empty value. */
  credentials?: SimulatorCredentials;
  /**
   * The fake Adobe IMS served at `POST /ims/token/v3` ({@link SIMULATOR_IMS_PATH}): which client
   * id, secret and scopes it accepts, and how long its tokens last. It is always served; by default
   * it hands a 24 h token to any well-formed request.
   */
  ims?: SimulatorImsOptions;
  /** The random source for faults' `probability`, returning [0, 1). Default `Math.random`. */
  random?: () => number;
  /** How many requests the `requests` log keeps, oldest dropped first. Default 1 000. */
  requestLogLimit?: number;
  /**
   * The path prefix of the simulated Catalog Service (`POST /dataSets`), on the same origin.
   * Default `/data/foundation/catalog`, as on `platform.adobe.io` and the client's default `catalogUrl`.
   */
  catalogBasePath?: string;
  /**
   * The path prefix of the simulated Data Access API (a batch's files and their bytes), on the
   * same origin. Default `/data/foundation/export`, as on `platform.adobe.io` and the client's
   * default `dataAccessUrl`.
   */
  dataAccessBasePath?: string;
  /**
   * The files a `SUCCEEDED` job's batches hold in Data Access: how many, how big, flat or in a
   * directory. Default: 2 files of 64 KiB each per batch. The bytes are pseudo-random, computed from
   * the batch id and the file name (`simulator.fileBytes(batchId, name)` gives them) and generated
   * on the fly, so files of any size stream in constant memory.
   */
  exportFiles?: ExportFilesOptions;
}

/** A job status as the simulator reports it. `CANCELLED` is the simulator's choice: Adobe documents none. */
export type SimulatedJobStatus = 'NEW' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/**
 * An export job as the simulator sends it (create, get and list records): the SDK's `ExportJob`
 * type (a type only: the simulator validates with its own rules, not the SDK's schemas).
 */
export type SimulatedExportJob = ExportJob;

/** One request the simulator received, for assertions. The bearer token is never kept. */
export interface RecordedRequest {
  /** `GET`, `POST`, `DELETE`... */
  readonly method: string;
  /**
   * The path after the base path, without the query (`/export/jobs/1000`); the full path when
   * outside it, as for the IMS token endpoint (`/ims/token/v3`). Faults' `match.path` is tested on it.
   */
  readonly path: string;
  /** The query parameters (the last value of a repeated one); a `client_secret` reads `[redacted]`. */
  readonly query: Readonly<Record<string, string>>;
  /** The request headers, lower-cased; `authorization` reads `Bearer [redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body: parsed JSON, a form (`application/x-www-form-urlencoded`, as sent to IMS) as an object,
   * the raw text otherwise, `undefined` when empty. A `client_secret` always reads `[redacted]`.
   */
  readonly body: unknown;
  /** The `x-sandbox-name` header. */
  readonly sandboxName: string | undefined;
  /** The simulator's clock when the request arrived. */
  readonly time: number;
  /** The status answered, or `'dropped'` when the connection was dropped. */
  readonly status: number | 'dropped';
  /** The kinds of the faults applied to it (`['latency', 'status']`), empty when none. */
  readonly faults: readonly SimulatedFault['kind'][];
  /** The service it went to; `undefined` when outside every service's base path. */
  readonly service: SimulatedService | undefined;
}

/** How an adapter routes one request through {@link ExportJobsSimulator.dispatch}. */
export interface DispatchOptions {
  /**
   * `true` to answer it as the IMS token endpoint whatever its path (the msw handlers mounted on a
   * custom `imsUrl` use it). Default: a request is IMS's when its path is {@link SIMULATOR_IMS_PATH}.
   */
  ims?: boolean;
  /**
   * The service to answer it as, `basePath` being that service's base path (the msw handlers
   * mounted on a custom `catalogUrl` or `dataAccessUrl` use it). Default: the IMS token path, then
   * the Catalog and Data Access base paths, then `basePath` for the export jobs API.
   */
  service?: 'export-jobs' | 'catalog' | 'data-access';
}

/**
 * What the simulator decided for one request, before any adapter acts on it: a response, or a
 * dropped connection, after `delay` ms of injected latency. Adapters wait the delay themselves.
 */
export type SimulatorOutcome = { type: 'response'; response: Response; delay: number } | { type: 'drop'; delay: number };

/** Where `addJob` files a job, and when it was created. */
export interface AddJobOptions {
  /** Default `prod`. */
  sandboxName?: string;
  /** Default `credentials.orgId`, else {@link DEFAULT_SIMULATED_ORG_ID}. */
  orgId?: string;
  /** The creation time; default now. An earlier time makes the job that much further along. */
  createdAt?: number | Date;
  /** Default `ups`. */
  profileInstanceId?: string;
}

interface JobRecord {
  id: number;
  orgId: string;
  sandbox: string;
  createdAt: number;
  durations: SimulatorDurations;
  request: StoredRequest;
  requestId: string;
  profileInstanceId: string;
  failingSegmentIds: string[];
  profiles: number;
  cancelledAt?: number;
}

interface MutableRecord extends Omit<RecordedRequest, 'status' | 'faults'> {
  status: number | 'dropped';
  faults: SimulatedFault['kind'][];
}

interface Scope {
  orgId: string;
  sandbox: string;
  requestId: string;
  profileInstanceId: string | undefined;
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
 * on each read: nothing runs in the background and no timer is left behind.
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

  readonly #durations: SimulatorDurations;
  readonly #failingSegments: ReadonlySet<string>;
  readonly #profilesPerSegment: number | Readonly<Record<string, number>>;
  readonly #credentials: SimulatorCredentials;
  readonly #random: () => number;
  readonly #logLimit: number;
  readonly #faults = new FaultList();
  readonly #ims: SimulatedIms;
  readonly #catalog: SimulatedCatalog;
  readonly #dataAccess: SimulatedDataAccess;
  #jobs = new Map<number, JobRecord>();
  #requests: MutableRecord[] = [];
  #nextId = FIRST_JOB_ID;

  constructor(options: ExportJobsSimulatorOptions = {}) {
    this.basePath = normaliseBasePath(options.basePath ?? DEFAULT_BASE_PATH);
    this.clock = createClock(options.clock);
    this.#durations = { ...DEFAULT_DURATIONS, ...definedOnly(options.durations ?? {}) };
    for (const [name, value] of Object.entries(this.#durations)) {
      if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`durations.${name} must be a finite number of ms >= 0, got ${String(value)}`);
    }
    this.#failingSegments = new Set(options.failingSegments ?? []);
    this.#profilesPerSegment = options.profilesPerSegment ?? DEFAULT_PROFILES_PER_SEGMENT;
    this.#credentials = { ...options.credentials };
    this.#ims = new SimulatedIms({ ...options.ims }, this.clock);
    this.#random = options.random ?? Math.random;
    this.#logLimit = options.requestLogLimit ?? 1_000;
    this.catalogBasePath = normaliseBasePath(options.catalogBasePath ?? DEFAULT_CATALOG_BASE_PATH);
    this.dataAccessBasePath = normaliseBasePath(options.dataAccessBasePath ?? DEFAULT_DATA_ACCESS_BASE_PATH);
    this.#catalog = new SimulatedCatalog(() => this.clock.now());
    this.#dataAccess = new SimulatedDataAccess({ ...options.exportFiles }, { owner: (batchId) => this.#batchOwner(batchId), now: () => this.clock.now() });
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
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    }
    return outcome.response;
  };

  /**
   * The core: decides the answer to one request without waiting, leaving latency and dropped
   * connections to the adapter. `basePath` overrides the simulator's for this request (msw
   * handlers mounted on another base URL use it). The IMS token endpoint is routed first, so it
   * answers on its own path whatever the base path; then the Catalog and Data Access base paths
   * (`catalogBasePath`, `dataAccessBasePath`), then the export jobs API under `basePath`.
   */
  async dispatch(request: Request, basePath: string = this.basePath, options: DispatchOptions = {}): Promise<SimulatorOutcome> {
    const url = new URL(request.url);
    const { service, path, base } = this.#locate(url.pathname, basePath, options);
    const ims = service === 'ims';
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const requestId = request.headers.get('x-request-id') || globalThis.crypto.randomUUID();
    const recordedPath = path ?? url.pathname;
    const record = this.#record(request, url, recordedPath, text, service);

    // Faults match the path the log shows, so what a test reads in `requests` is what it can target.
    const decision = this.#faults.decide({ method: request.method, path: recordedPath, service, query: url.searchParams }, this.#random);
    record.faults = decision.applied;
    const terminal = decision.terminal;
    // A drop in the middle of the body needs the body: the simulator answers, then the body is cut.
    const cutAfter = terminal?.fault.kind === 'drop' ? terminal.fault.afterBytes : undefined;
    let answer: Response | 'drop';
    if (terminal?.when === 'request' && cutAfter === undefined) answer = this.#faultAnswer(terminal.fault, requestId, ims);
    else {
      const location = `${url.origin}${base}`;
      answer =
        service === 'ims'
          ? this.#ims.answer(request.method, request.headers, text)
          : service === 'catalog' || service === 'data-access'
            ? this.#foundation(service, request, path!, url.searchParams, text, requestId, location)
            : this.#route(request.method, path, url.searchParams, request.headers, text, requestId);
      if (terminal && cutAfter === undefined) answer = this.#faultAnswer(terminal.fault, requestId, ims);
      else if (cutAfter !== undefined) answer = await cutBody(answer, cutAfter);
    }
    if (answer === 'drop') {
      record.status = 'dropped';
      return { type: 'drop', delay: decision.delay };
    }
    answer.headers.set('x-request-id', requestId);
    record.status = answer.status;
    return { type: 'response', response: answer, delay: decision.delay };
  }

  /** Which service a path belongs to, the path after that service's base path, and the base path. */
  #locate(pathname: string, basePath: string, options: DispatchOptions): { service: SimulatedService | undefined; path: string | undefined; base: string } {
    if (options.ims ?? (options.service === undefined && pathname === SIMULATOR_IMS_PATH)) return { service: 'ims', path: undefined, base: '' };
    const given = normaliseBasePath(basePath);
    if (options.service !== undefined) {
      const path = relativePath(pathname, given);
      return { service: path === undefined ? undefined : options.service, path, base: given };
    }
    for (const [service, base] of [
      ['catalog', this.catalogBasePath],
      ['data-access', this.dataAccessBasePath],
      ['export-jobs', given],
    ] as const) {
      const path = relativePath(pathname, base);
      if (path !== undefined) return { service, path, base };
    }
    return { service: undefined, path: undefined, base: given };
  }

  #foundation(service: 'catalog' | 'data-access', request: Request, path: string, query: URLSearchParams, text: string, requestId: string, location: string): Response {
    const scope = this.#authenticate(request.headers, requestId);
    if (scope instanceof Response) return scope;
    const parts = path.split('/').filter(Boolean).map(decodeSegment);
    if (service === 'catalog') return this.#catalog.answer(request.method, parts, text, scope, location);
    return this.#dataAccess.answer({ method: request.method, parts, query, headers: request.headers, signal: request.signal }, scope, location);
  }

  /** The finished export a batch id belongs to: a `SUCCEEDED` job whose destination names it. */
  #batchOwner(batchId: string): BatchOwner | undefined {
    const now = this.clock.now();
    for (const record of this.#jobs.values()) {
      const job = this.#render(record, now);
      if (job.status !== 'SUCCEEDED') continue;
      const destination = job.destination;
      const ids = destination.segmentPerBatch ? destination.batches.map((batch) => batch.batchId) : [destination.batchId];
      if (!ids.includes(batchId)) continue;
      const dataset = this.#catalog.get(destination.datasetId);
      return { datasetId: destination.datasetId, viewId: dataset?.viewId ?? viewIdOf(destination.datasetId), orgId: record.orgId, sandbox: record.sandbox, created: job.updateTime ?? now };
    }
    return undefined;
  }

  /**
   * Injects a fault into the next matching request(s): by default the next one only, or a share of
   * all of them with `probability`. Returns a handle to see its hits or remove it.
   *
   * @example
   * ```ts
   * simulator.inject({ kind: 'status', status: 503, retryAfter: 1 });               // next request: 503
   * simulator.inject({ kind: 'drop' }, { match: { method: 'POST' }, when: 'response' }); // job created, answer lost
   * simulator.inject({ kind: 'latency', ms: 5_000 }, { times: 3 });
   * // Faults without a path spare the IMS token endpoint; name its path to hit it:
   * simulator.inject({ kind: 'status', status: 503 }, { match: { path: SIMULATOR_IMS_PATH } });
   * ```
   */
  inject(fault: SimulatedFault, options?: FaultOptions): InjectedFault {
    return this.#faults.add(fault, options);
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /**
   * Forgets every job, request and fault, restarts ids at 1000 and `tokensIssued` at 0. The clock,
   * the options and the tokens already issued are kept: a client that caches a token across tests
   * keeps using it, as it would with Adobe.
   */
  reset(): void {
    this.#jobs = new Map();
    this.#requests = [];
    this.#faults.clear();
    this.#nextId = FIRST_JOB_ID;
    this.#ims.issued = 0;
    this.#catalog.reset();
    this.#dataAccess.reset();
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
    return this.#catalog.list(sandboxName === undefined ? undefined : { sandbox: sandboxName }).map((dataset) => structuredClone(dataset));
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
    return this.#dataAccess.files(batchId);
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
    const bytes = this.#dataAccess.bytes(batchId, name);
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
  addBatchFile(batchId: string, name: string, content: Uint8Array | number, options?: AddBatchFileOptions): SimulatedBatchFile {
    return this.#dataAccess.addFile(batchId, name, content, options);
  }

  /**
   * File downloads (`GET /files/{id}?path=`) being answered now: counted from the request's arrival
   * (injected latency included) until its body is fully read, broken off or cancelled.
   */
  get downloadsInFlight(): number {
    return this.#dataAccess.inFlight;
  }

  /** The most file downloads answered at once since the simulator was made (or `reset`): how a test checks a client's concurrency. */
  get peakDownloadsInFlight(): number {
    return this.#dataAccess.peakInFlight;
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
    return this.#ims.issued;
  }

  /** Every request received so far (up to `requestLogLimit`), oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.#requests.map((record) => Object.freeze({ ...record, faults: [...record.faults] }));
  }

  /**
   * The jobs as the API would show them now, newest first; only those of one sandbox when given.
   *
   * @example
   * ```ts
   * expect(simulator.jobs('dev').map((job) => job.status)).toEqual(['NEW']);
   * ```
   */
  jobs(sandboxName?: string): SimulatedExportJob[] {
    const now = this.clock.now();
    return [...this.#jobs.values()]
      .filter((job) => sandboxName === undefined || job.sandbox === sandboxName)
      .sort(newestFirst)
      .map((job) => this.#render(job, now));
  }

  /** One job as the API would show it now, whatever its sandbox; `undefined` when unknown. */
  job(id: number): SimulatedExportJob | undefined {
    const record = this.#jobs.get(id);
    return record && this.#render(record, this.clock.now());
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
    if ('problems' in read) throw new TypeError(`Invalid export job request:\n${read.problems.map((problem) => `  - ${problem}`).join('\n')}`);
    const createdAt = options.createdAt instanceof Date ? options.createdAt.getTime() : (options.createdAt ?? this.clock.now());
    const record = this.#store(read.request, {
      orgId: options.orgId ?? this.#credentials.orgId ?? DEFAULT_SIMULATED_ORG_ID,
      sandbox: options.sandboxName ?? 'prod',
      requestId: globalThis.crypto.randomUUID(),
      profileInstanceId: options.profileInstanceId,
    }, createdAt);
    return this.#render(record, this.clock.now());
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
    const { startSimulatorServer } = await import('./server.js');
    return startSimulatorServer(this, typeof options === 'number' ? { port: options } : options);
  }

  #record(request: Request, url: URL, path: string, text: string, service: SimulatedService | undefined): MutableRecord {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = name === 'authorization' ? redact(value) : value;
    });
    const record: MutableRecord = {
      method: request.method,
      path,
      query: recordedQuery(url.searchParams),
      headers,
      body: recordedBody(text, request.headers),
      sandboxName: request.headers.get('x-sandbox-name') ?? undefined,
      time: this.clock.now(),
      status: 0,
      faults: [],
      service,
    };
    this.#requests.push(record);
    if (this.#requests.length > this.#logLimit) this.#requests.splice(0, this.#requests.length - this.#logLimit);
    return record;
  }

  #faultAnswer(fault: Extract<SimulatedFault, { kind: 'status' | 'drop' }>, requestId: string, ims: boolean): Response | 'drop' {
    if (fault.kind === 'drop') return 'drop';
    const headers: Record<string, string> = { ...fault.headers };
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    const body = fault.body !== undefined ? fault.body : ims ? imsFaultBody(fault.status) : faultBody(fault.status, requestId);
    return faultResponse(fault.status, body, headers);
  }

  #route(method: string, path: string | undefined, query: URLSearchParams, headers: Headers, text: string, requestId: string): Response {
    if (path === undefined) return serviceError(404, NO_ROUTE_CODE, ['The entity is not found.'], requestId);
    const scope = this.#authenticate(headers, requestId);
    if (scope instanceof Response) return scope;
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'export' || parts[1] !== 'jobs' || parts.length > 3) {
      return serviceError(404, NO_ROUTE_CODE, [`The entity ${path} is not found.`], requestId);
    }
    if (parts.length === 2) {
      if (method === 'GET') return this.#list(query, scope);
      if (method === 'POST') return this.#create(text, scope);
      return methodNotAllowed(method, path, requestId, 'GET, POST');
    }
    const id = decodeSegment(parts[2] ?? '');
    if (method === 'GET') return this.#get(id, scope);
    if (method === 'DELETE') return this.#cancel(id, scope);
    return methodNotAllowed(method, path, requestId, 'GET, DELETE');
  }

  /** The gateway's checks, in the order it reports them; the bodies are the gateway's. */
  #authenticate(headers: Headers, requestId: string): Scope | Response {
    const authorization = headers.get('authorization')?.trim();
    if (!authorization) return gatewayError(403, '403010', 'Oauth token is missing');
    const apiKey = headers.get('x-api-key')?.trim();
    if (!apiKey) return gatewayError(403, '403000', 'Api Key is required');
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (token === undefined || !this.#acceptsToken(token)) return gatewayError(401, '401013', 'Oauth token is not valid');
    if (!accepts(this.#credentials.apiKey, apiKey)) return gatewayError(403, '403003', 'Api Key is invalid');
    const orgId = headers.get('x-gw-ims-org-id')?.trim();
    if (!orgId) return gatewayError(400, '400003', 'Missing required header x-gw-ims-org-id');
    if (this.#credentials.orgId !== undefined && orgId !== this.#credentials.orgId) return gatewayError(403, '403025', 'Profile is not valid');
    const sandbox = headers.get('x-sandbox-name')?.trim();
    if (!sandbox) return gatewayError(400, '400003', 'Missing required header x-sandbox-name');
    return { orgId, sandbox, requestId, profileInstanceId: headers.get('x-profile-instance-id')?.trim() || undefined };
  }

  /** A token of the simulator's IMS is judged by its expiry; any other by `credentials.accessToken`. */
  #acceptsToken(token: string): boolean {
    const verdict = this.#ims.verify(token);
    return verdict === 'foreign' ? accepts(this.#credentials.accessToken, token) : verdict === 'valid';
  }

  #create(text: string, scope: Scope): Response {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return serviceError(400, INVALID_REQUEST_CODE, ['There is a problem extracting the user JSON, field(s) missing or invalid. Correct and try again.'], scope.requestId);
    }
    const read = readCreateRequest(body);
    if ('problems' in read) return serviceError(400, INVALID_REQUEST_CODE, read.problems, scope.requestId);
    const now = this.clock.now();
    const record = this.#store(read.request, scope, now);
    return jsonResponse(this.#render(record, now), 200, { 'x-location': `/export/jobs/${record.id}` });
  }

  #store(request: StoredRequest, scope: Scope, createdAt: number): JobRecord {
    const segments = request.filter?.segments ?? [];
    const record: JobRecord = {
      id: this.#nextId++,
      orgId: scope.orgId,
      sandbox: scope.sandbox,
      createdAt,
      // Fixed at creation, so a job's timeline never depends on later settings.
      durations: { ...this.#durations },
      request,
      requestId: scope.requestId,
      profileInstanceId: scope.profileInstanceId ?? 'ups',
      failingSegmentIds: segments.map((segment) => segment.segmentId).filter((id) => this.#failingSegments.has(id)),
      profiles: segments.length === 0 ? this.#profilesOf(undefined) : segments.reduce((sum, segment) => sum + this.#profilesOf(segment.segmentId), 0),
    };
    this.#jobs.set(record.id, record);
    return record;
  }

  #profilesOf(segmentId: string | undefined): number {
    const setting = this.#profilesPerSegment;
    if (typeof setting === 'number') return setting;
    return (segmentId !== undefined ? setting[segmentId] : undefined) ?? DEFAULT_PROFILES_PER_SEGMENT;
  }

  #find(rawId: string, scope: Scope): JobRecord | Response {
    const record = /^\d+$/.test(rawId) ? this.#jobs.get(Number(rawId)) : undefined;
    // Another sandbox's (or organization's) job answers exactly like a missing one: sandboxes are isolated.
    if (!record || record.orgId !== scope.orgId || record.sandbox !== scope.sandbox) {
      return serviceError(404, NOT_FOUND_CODE, [`Export job ${rawId} is not found.`], scope.requestId);
    }
    return record;
  }

  #get(rawId: string, scope: Scope): Response {
    const record = this.#find(rawId, scope);
    if (record instanceof Response) return record;
    return jsonResponse(this.#render(record, this.clock.now()), 200);
  }

  #cancel(rawId: string, scope: Scope): Response {
    const record = this.#find(rawId, scope);
    if (record instanceof Response) return record;
    const now = this.clock.now();
    // Adobe documents no status for a cancelled job (the spec's enum has none, and the operation is
    // "cancel or delete"); the simulator reports CANCELLED, which the SDK keeps as an unknown status.
    // A finished job stays as it finished; the API gives the same answer either way.
    if (record.cancelledAt === undefined && now < finishTime(record)) record.cancelledAt = now;
    return jsonResponse({ status: true, message: 'Export job has been marked for cancelling' }, 200);
  }

  #list(query: URLSearchParams, scope: Scope): Response {
    const problems: string[] = [];
    const limitText = query.get('limit');
    const limit = limitText === null ? DEFAULT_PAGE_SIZE : /^\d+$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit > 0)) problems.push(`limit must be a positive integer, got ${JSON.stringify(limitText)}`);
    const status = query.get('status') ?? undefined;
    if (status !== undefined && !LIST_STATUSES.has(status)) problems.push(`status must be one of NEW, PROCESSING, SUCCEEDED, FAILED, CANCELLED, got ${JSON.stringify(status)}`);
    const offset = query.get('offset') ?? undefined;
    const cursor = offset === undefined ? undefined : /^(\d+)_(\d+)$/.exec(offset);
    // One old tutorial passes a plain number: read as a count of records to skip.
    const skip = offset !== undefined && /^\d+$/.test(offset) ? Number(offset) : 0;
    if (offset !== undefined && !cursor && !/^\d+$/.test(offset)) problems.push(`offset must be a cursor "{creationTime}_{id}" from a previous page, got ${JSON.stringify(offset)}`);
    if (problems.length > 0) return serviceError(400, INVALID_REQUEST_CODE, problems, scope.requestId);

    const now = this.clock.now();
    let records = [...this.#jobs.values()]
      .filter((job) => job.orgId === scope.orgId && job.sandbox === scope.sandbox)
      .sort(newestFirst)
      .map((job) => this.#render(job, now))
      .filter((job) => status === undefined || job.status === status);
    if (cursor) {
      const [time, id] = [Number(cursor[1]), Number(cursor[2])];
      records = records.filter((job) => job.creationTime < time || (job.creationTime === time && job.id < id));
    } else records = records.slice(skip);

    const page = records.slice(0, limit);
    const last = page.at(-1);
    const pageOffset = last ? `${last.creationTime}_${last.id}` : '';
    const more = records.length > page.length;
    // Relative and without the base path, exactly as Adobe sends it; the client resolves it.
    const next = more ? `/export/jobs/?limit=${limit}&offset=${pageOffset}${status === undefined ? '' : `&status=${status}`}` : '';
    return jsonResponse(
      { records: page, page: { sortField: 'createdTime', sort: 'desc', pageOffset, pageSize: page.length }, link: { next } },
      200,
    );
  }

  /** The job as the API shows it at `now`: status, batches, metrics and times follow from the clock. */
  #render(job: JobRecord, now: number): SimulatedExportJob {
    const created = job.createdAt;
    const processingStart = created + job.durations.new;
    const writeStart = processingStart + Math.floor(job.durations.processing * EXPORT_SHARE);
    const finish = finishTime(job);
    // A cancelled job stops where it was: everything is computed at the moment of cancelling.
    const at = job.cancelledAt === undefined ? now : Math.min(now, job.cancelledAt);
    const processing = at >= processingStart;
    const writing = at >= writeStart;
    const finished = at >= finish;
    const failed = finished && job.failingSegmentIds.length > 0;
    const cancelled = job.cancelledAt !== undefined && !finished;

    const status: SimulatedJobStatus = finished ? (failed ? 'FAILED' : 'SUCCEEDED') : cancelled ? 'CANCELLED' : processing ? 'PROCESSING' : 'NEW';
    const updateTime = finished ? finish : cancelled ? (job.cancelledAt as number) : writing ? writeStart : processing ? processingStart : created;

    const request = job.request;
    const destination: SimulatedExportJob['destination'] = request.segmentPerBatch
      ? { datasetId: request.datasetId, segmentPerBatch: true, batches: [] }
      : { datasetId: request.datasetId, segmentPerBatch: false };
    if (processing) {
      if (destination.segmentPerBatch) {
        destination.batches = (request.filter?.segments ?? []).map((segment) => ({
          segmentId: segment.segmentId,
          segmentNs: segment.segmentNs ?? 'ups',
          status: segment.status === undefined ? ['realized'] : Array.isArray(segment.status) ? [...segment.status] : [segment.status],
          // The contract: a failed batch's id is "".
          batchId: failed && job.failingSegmentIds.includes(segment.segmentId) ? '' : hexId(`batch:${job.id}:${segment.segmentId}`),
        }));
      } else destination.batchId = failed ? '' : hexId(`batch:${job.id}`);
    }

    const metrics: SimulatedExportJob['metrics'] = {};
    if (processing) {
      metrics.totalTime = timing(created, finished ? finish : cancelled ? job.cancelledAt : undefined);
      metrics.profileExportTime = timing(processingStart, writing ? writeStart : cancelled ? job.cancelledAt : undefined);
      if (writing) metrics.aCPDatasetWriteTime = timing(writeStart, finished ? finish : cancelled ? job.cancelledAt : undefined);
      if (finished && !failed) {
        metrics.totalExportedProfileCounter = job.profiles;
        // Every profile carries an ECID; about half also have an email identity.
        metrics.exportedProfileByNamespaceCounter = { ECID: job.profiles, Email: Math.floor(job.profiles / 2) };
      }
    }
    const computeGatewayJobId: SimulatedExportJob['computeGatewayJobId'] = {};
    if (processing) computeGatewayJobId.exportJob = uuidId(`export:${job.id}`);
    if (writing) computeGatewayJobId.pushJob = uuidId(`push:${job.id}`);

    const rendered: SimulatedExportJob = {
      id: job.id,
      jobType: 'BATCH',
      destination,
      ...(request.fields === undefined ? {} : { fields: request.fields }),
      schema: { ...request.schema },
      imsOrgId: job.orgId,
      status,
      ...(request.filter === undefined ? {} : { filter: echoFilter(request.filter) }),
      ...(request.additionalFields === undefined ? {} : { additionalFields: structuredClone(request.additionalFields) }),
      mergePolicy: { ...request.mergePolicy },
      profileInstanceId: job.profileInstanceId,
      metrics,
      computeGatewayJobId,
      creationTime: created,
      updateTime,
      requestId: job.requestId,
    };
    if (failed) rendered.errors = jobErrors(job);
    return orderLikeAdobe(rendered);
  }
}

/**
 * Waits out an outcome's injected latency. If the request is aborted meanwhile, the answer is
 * abandoned: its body is cancelled (so a download stops counting as in flight) and the abort rethrown.
 */
export async function waitOut(outcome: SimulatorOutcome, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(outcome.delay, signal);
  } catch (error) {
    if (outcome.type === 'response') await outcome.response.body?.cancel().catch(() => {});
    throw error;
  }
}

/** The answer with its body cut after `afterBytes` bytes, its `Content-Length` the whole body's. */
async function cutBody(answer: Response | 'drop', afterBytes: number): Promise<Response | 'drop'> {
  if (answer === 'drop' || answer.body === null) return answer;
  let body = answer.body;
  const headers = new Headers(answer.headers);
  if (!headers.has('content-length')) {
    // A JSON answer: small, so measured whole first, as a server would before sending it.
    const bytes = new Uint8Array(await answer.arrayBuffer());
    headers.set('content-length', String(bytes.length));
    body = new Blob([bytes]).stream();
  }
  return new Response(truncatedStream(body, afterBytes), { status: answer.status, statusText: answer.statusText, headers });
}

function jobErrors(job: JobRecord): NonNullable<SimulatedExportJob['errors']> {
  // The pair Adobe's own example of a failed job shows.
  return [
    {
      code: '0090000009',
      msg: `Error writing profiles to output path 'adl://simulator.azuredatalakestore.net/snapshot/${job.id}' (segments ${job.failingSegmentIds.join(', ')})`,
      callStack: 'com.adobe.aep.unifiedprofile.common.logging.Logger',
    },
    { code: 'unknown', msg: 'Job aborted.', callStack: 'org.apache.spark.SparkException: Job aborted.' },
  ];
}

/** Adobe's examples put `errors` after `profileInstanceId`; keeping that order makes dumps easy to compare. */
function orderLikeAdobe(job: SimulatedExportJob): SimulatedExportJob {
  if (!job.errors) return job;
  const { metrics, computeGatewayJobId, creationTime, updateTime, requestId, ...head } = job;
  return { ...head, metrics, computeGatewayJobId, creationTime, updateTime, requestId };
}

function finishTime(job: JobRecord): number {
  return job.createdAt + job.durations.new + job.durations.processing;
}

/** The request's filter as the service echoes it: a segment status string reads back as an array. */
function echoFilter(filter: NonNullable<JobRecord['request']['filter']>): NonNullable<SimulatedExportJob['filter']> {
  const { segments, ...rest } = structuredClone(filter);
  if (!segments) return rest;
  return { ...rest, segments: segments.map(({ status, ...segment }) => ({ ...segment, ...(status === undefined ? {} : { status: typeof status === 'string' ? [status] : status }) })) };
}

function timing(start: number, end: number | undefined): NonNullable<Metrics['totalTime']> {
  return end === undefined ? { startTimeInMs: start } : { startTimeInMs: start, endTimeInMs: end, totalTimeInMs: end - start };
}

function newestFirst(a: JobRecord, b: JobRecord): number {
  return b.createdAt - a.createdAt || b.id - a.id;
}

function accepts(expected: string | ((value: string) => boolean) | undefined, value: string): boolean {
  if (expected === undefined) return true;
  return typeof expected === 'function' ? expected(value) === true : expected === value;
}

function methodNotAllowed(method: string, path: string, requestId: string, allow: string): Response {
  const response = serviceError(405, 'UPAPI-113405-405', [`Method ${method} is not supported on ${path}.`], requestId);
  response.headers.set('allow', allow);
  return response;
}

function normaliseBasePath(basePath: string): string {
  if (typeof basePath !== 'string') throw new TypeError(`basePath must be a string such as "/data/core/ups", got ${typeof basePath}`);
  const trimmed = basePath.trim().replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function relativePath(pathname: string, basePath: string): string | undefined {
  if (basePath === '') return pathname || '/';
  if (pathname === basePath) return '/';
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function redact(authorization: string): string {
  return /^bearer\s/i.test(authorization) ? 'Bearer [redacted]' : '[redacted]';
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** A stable 32-hex id from a seed (FNV-1a rounds): the same job gets the same batch ids in every run. */
function hexId(seed: string, length = 32): string {
  let out = '';
  for (let round = 0; out.length < length; round += 1) {
    let hash = (0x811c9dc5 ^ round) >>> 0;
    for (let index = 0; index < seed.length; index += 1) {
      hash ^= seed.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    out += hash.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

function uuidId(seed: string): string {
  const hex = hexId(seed);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
