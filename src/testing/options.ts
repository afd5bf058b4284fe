/**
 * The simulator's settings, its defaults, and the shapes it shares between its parts and with
 * its users (jobs as it sends them, `addJob`'s options).
 */
import type { ExportJob } from '../models/export-job.js';
import type { SimulatorCredentials } from './gateway.js';
import type { ClockOption } from './clock.js';
import type { SimulatorImsOptions } from './ims.js';

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

/** The largest request body the simulator reads unless `maxRequestBodyBytes` says otherwise: 1 MiB. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** How long a job spends in each state before moving on, in ms. */
export interface SimulatorDurations {
  /** Time spent `NEW` after creation. */
  new: number;
  /** Time spent `PROCESSING` before `SUCCEEDED` (or `FAILED`). */
  processing: number;
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
  /**
   * The largest request body accepted, in bytes: a bigger one is answered 413 with the gateway's
   * `{ error_code, message }` body (IMS's `{ error, error_description }` on the token endpoint), as
   * soon as its `Content-Length` or the bytes read so far pass the cap; the rest is never read.
   * Default 1 MiB ({@link DEFAULT_MAX_REQUEST_BODY_BYTES}); `Infinity` reads bodies of any size.
   */
  maxRequestBodyBytes?: number;
  /**
   * The most jobs kept per sandbox (of each organization). When a new job takes a sandbox past it,
   * its oldest finished jobs (`SUCCEEDED`, `FAILED` or `CANCELLED` on the simulator's clock) are
   * forgotten: they answer 404 and leave listings. Jobs still running are never dropped, so a
   * sandbox may hold more until they finish. Default `Infinity`: every job is kept until `reset()`,
   * about 1 KiB each (more with large filters).
   *
   * @example
   * ```ts
   * // A long-running demo server that never holds more than 10 000 jobs per sandbox:
   * const simulator = new ExportJobsSimulator({ maxJobs: 10_000 });
   * ```
   */
  maxJobs?: number;
  /**
   * How long after its creation (on the simulator's clock, in ms) a job starts to show in listings
   * (`GET /export/jobs`), as in an eventually consistent service. Reading it by id works at once, and
   * `simulator.jobs()` shows it at once. Default 0: listed as soon as created. With a create's
   * answer lost (`applied-then-drop`), this is how to test a client that looks for the job it may have
   * made: it must look long enough.
   *
   * @example
   * ```ts
   * const simulator = new ExportJobsSimulator({ listVisibilityDelayMs: 4_000 });
   * simulator.inject({ kind: 'applied-then-drop' }, { match: { method: 'POST' } });
   * ```
   */
  listVisibilityDelayMs?: number;
}

/** A job status as the simulator reports it. `CANCELLED` is the simulator's choice: Adobe documents none. */
export type SimulatedJobStatus = 'NEW' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/**
 * An export job as the simulator sends it (create, get and list records): the SDK's `ExportJob`
 * type (a type only: the simulator validates with its own rules, not the SDK's schemas).
 */
export type SimulatedExportJob = ExportJob;

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

/** The most entries Data Access returns per page, and its default page size. */
export const DATA_ACCESS_MAX_LIMIT = 100;
/** Files per exported batch unless `exportFiles.filesPerBatch` says otherwise. */
export const DEFAULT_FILES_PER_BATCH = 2;
/** Size of each exported file unless `exportFiles.bytesPerFile` says otherwise: 64 KiB. */
export const DEFAULT_BYTES_PER_FILE = 64 * 1024;

/**
 * What the files of an exported batch look like. A job that has `SUCCEEDED` holds files in each of
 * its batches (one batch, or one per segment with `segmentPerBatch`).
 *
 * @example
 * ```ts
 * const simulator = new ExportJobsSimulator({
 *   clock: 'manual',
 *   exportFiles: { filesPerBatch: 5, bytesPerFile: 10 * 1024 * 1024, directories: true },
 * });
 * ```
 */
export interface ExportFilesOptions {
  /** How many files each batch holds. Default 2. */
  filesPerBatch?: number;
  /**
   * Each file's size in bytes, or a function of the batch id and the file's index (0-based). When
   * given, files are deterministic pseudo-random bytes of exactly that size (for download tests);
   * by default they are real Parquet files holding the batch's profiles.
   */
  bytesPerFile?: number | ((batchId: string, index: number) => number);
  /**
   * `false` (default): the batch lists one dataset file per file. `true`: the batch lists a single
   * dataset file that is a directory, whose children (one per file) hold the files, as Data Access
   * answers for chunked data.
   */
  directories?: boolean;
  /**
   * Each file's name from the batch id and its index (0-based). Default Spark's
   * `part-00000-<uuid>-c000.snappy.parquet`. Use it to serve hostile names (`../evil.parquet`).
   */
  names?: (batchId: string, index: number) => string;
  /** `false` makes file downloads ignore `Range` (always 200 with the whole file, no `Accept-Ranges`). Default `true`. */
  ranges?: boolean;
  /** The most profiles in one Parquet file, as Spark's `maxRecordsPerFile`. Default 200 000. */
  rowsPerFile?: number;
  /** Profiles per Parquet row group. Default 20 000. */
  rowsPerRowGroup?: number;
}

/** A file of a batch, as `simulator.batchFiles(batchId)` shows it. */
export interface SimulatedBatchFile {
  readonly batchId: string;
  /** The dataset file that holds it: `{batchId}-{n}`. */
  readonly dataSetFileId: string;
  readonly name: string;
  /** Its real size in bytes. */
  readonly size: number;
  /** The `length` the listing reports (the size, unless `addBatchFile` was told otherwise). */
  readonly length: number;
}

/** Options of `simulator.addBatchFile`. */
export interface AddBatchFileOptions {
  /** The `length` the listing reports, to make it disagree with the bytes served. Default: the real size. */
  length?: number;
  /** Only this sandbox sees the file. Default: every sandbox. */
  sandboxName?: string;
  /** Only this organization sees the file. Default: every organization. */
  orgId?: string;
}
