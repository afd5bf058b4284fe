import { createProfileExportDataset, type CreateProfileExportDatasetRequest } from './resources/catalog.js';
import { listBatchFiles, type BatchFile } from './resources/data-access.js';
import { cancelJob, checkListQuery, createJob, getJob, listPage } from './resources/export-jobs.js';
import { downloadBatchFiles, type DownloadedFile, type DownloadOptions } from './download.js';
import { resolveClientOptions } from './internal/client-config.js';
import { Transport } from './internal/http/transport.js';
import type { CreateExportJobRequest } from './models/create-request.js';
import type { ExportJob } from './models/export-job.js';
import type { CancelExportJobResult, ListExportJobsQuery } from './models/list.js';
import { checkRequestOptions, type ExportJobsClientOptions, type RequestOptions } from './options.js';
import { ExportJobPagePromise, type ListOptions } from './pagination.js';
import type { ProfileRow } from './profiles/read.js';
import { readBatchProfiles, type ReadBatchProfilesOptions } from './profiles/remote.js';
import { checkCreateOptions, type CreateOptions } from './reconcile.js';

/**
 * The client of the AEP Segmentation Service export jobs API: list, create, get and cancel
 * export jobs, and around them the target dataset (Catalog) and the exported files (Data Access).
 * It owns the headers, authentication, retries, timeouts and error mapping; every response is
 * validated and normalised by the zod schemas. Every operation takes {@link RequestOptions} last.
 *
 * @example
 * ```ts
 * import { ExportJobsClient } from 'aep-export-jobs';
 *
 * const client = new ExportJobsClient({ accessToken, apiKey, orgId, sandboxName: 'prod' });
 * const job = await client.createExportJob({
 *   filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff' }] },
 *   destination: { datasetId: '5b7c86968f7b6501e21ba9df' },
 *   schema: { name: '_xdm.context.profile' },
 * });
 * console.log(job.id, job.status);
 * ```
 */
export class ExportJobsClient {
  readonly #options: Readonly<ExportJobsClientOptions>;
  readonly #exportJobs: Transport;
  readonly #catalog: Transport;
  readonly #dataAccess: Transport;

  constructor(options: ExportJobsClientOptions) {
    const configs = resolveClientOptions(options);
    this.#exportJobs = new Transport(configs.exportJobs);
    this.#catalog = new Transport(configs.catalog);
    this.#dataAccess = new Transport(configs.dataAccess);
    // What withOptions starts from: the caller's options, with the token source resolved once so
    // that copies share it (one OAuth token cache, renewed once for all).
    const { credentials: _credentials, ...rest } = options;
    this.#options = Object.freeze({
      ...rest,
      accessToken: configs.exportJobs.token!,
      apiKey: configs.exportJobs.platform!.apiKey,
    });
  }

  /** The base URL requests go to (without a trailing slash). */
  get baseUrl(): string {
    return this.#exportJobs.config.baseUrl;
  }

  /** The per-attempt timeout of requests, in ms, unless a call overrides it. */
  get timeout(): number {
    return this.#exportJobs.config.timeout;
  }

  /** The sandbox requests go to, unless a call overrides it. */
  get sandboxName(): string {
    return this.#exportJobs.config.platform!.sandboxName;
  }

  /**
   * A client with the same settings but some overridden: another sandbox, timeout, logger...
   * The original client is unchanged. Unless `accessToken` or `credentials` is overridden, the
   * new client shares this one's token source, so OAuth tokens are cached and renewed once for both.
   *
   * @example
   * ```ts
   * const dev = client.withOptions({ sandboxName: 'dev', timeout: 10_000 });
   * ```
   */
  withOptions(overrides: Partial<ExportJobsClientOptions>): ExportJobsClient {
    const merged: ExportJobsClientOptions = { ...this.#options, ...overrides };
    if (overrides.credentials !== undefined && overrides.accessToken === undefined) {
      delete merged.accessToken;
      if (overrides.apiKey === undefined) delete merged.apiKey;
    }
    return new ExportJobsClient(merged);
  }

  /**
   * Lists export jobs, newest first. Await it for the first page (`records`, `page`, `link`, with
   * `hasNextPage()` and `getNextPage()`), or iterate it for every job across pages, one page in
   * memory at a time, following `link.next` exactly as the server gives it. See
   * {@link ExportJobPagePromise} for the bounds (`maxPages`, `maxItems`), resuming from a
   * `cursor`, and what happens when a page fails.
   *
   * @example
   * ```ts
   * const { records } = await client.listExportJobs({ status: 'SUCCEEDED', limit: 20 });
   * for await (const job of client.listExportJobs({ status: 'FAILED' }, { maxItems: 1_000 })) console.log(job.id);
   * ```
   */
  listExportJobs(query: ListExportJobsQuery = {}, options?: ListOptions): ExportJobPagePromise {
    // Checked once, when the first page is read, so that bad input rejects (before anything is
    // sent) like every other call; later pages reuse the checked query.
    let checked: ListExportJobsQuery | undefined;
    return new ExportJobPagePromise(
      (link, requestOptions) => listPage(this.#exportJobs, (checked ??= checkListQuery(query)), link, requestOptions),
      options,
    );
  }

  /**
   * Creates an export job, exactly once. The request is validated first; an invalid one throws
   * `RequestValidationError` and sends nothing. The API has no idempotency key, so a create is
   * retried by the transport only where the server certainly did not act (a 429, a refused
   * connection). After a failure where it may have acted (a timeout, a dropped connection, a 5xx,
   * a 2xx whose body could not be read), the SDK lists the jobs created since the attempt began and
   * matches them with the request: one match is returned as if the create had answered; none, after
   * a few looks, has the create sent once more; several, or a failed look-up, throw
   * `AmbiguousCreateError` with the candidates. `reconcile: false` throws the create's own error
   * instead; `onReconcile` hears of each step. See "Ambiguous creates" in docs/errors-and-retries.md.
   *
   * @example
   * ```ts
   * const job = await client.createExportJob(
   *   {
   *     fields: 'identities.id,personalEmail.address',
   *     filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', status: ['realized'] }] },
   *     destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false },
   *     schema: { name: '_xdm.context.profile' },
   *   },
   *   { onReconcile: (event) => console.error(describeReconcileEvent(event)) },
   * );
   * ```
   */
  async createExportJob(request: CreateExportJobRequest, options?: CreateOptions): Promise<ExportJob> {
    return createJob(this.#exportJobs, request, checkCreateOptions(options));
  }

  /**
   * Reads one export job by id.
   *
   * @example
   * ```ts
   * const job = await client.getExportJob(42);
   * if (job.status === 'SUCCEEDED' && !job.destination.segmentPerBatch) console.log(job.destination.batchId);
   * ```
   */
  async getExportJob(id: number | string, options?: RequestOptions): Promise<ExportJob> {
    return getJob(this.#exportJobs, id, checkRequestOptions(options));
  }

  /**
   * Asks the service to cancel an export job. Resolves with the API's `{ status, message }`, or
   * `{ status: true }` when it answers 204.
   *
   * @example
   * ```ts
   * const { status, message } = await client.cancelExportJob(42);
   * ```
   */
  async cancelExportJob(id: number | string, options?: RequestOptions): Promise<CancelExportJobResult> {
    return cancelJob(this.#exportJobs, id, checkRequestOptions(options));
  }

  /**
   * Creates the dataset an export job writes to: Catalog `POST /dataSets` on the profile union
   * schema (persisted, parquet). Resolves with the dataset id. Like `createExportJob`, it is never
   * blindly sent again after a 5xx or a timeout: the SDK looks for a dataset of that name created
   * since the attempt began (Catalog filters by name and creation time) and continues with it, or
   * throws `AmbiguousCreateError`. Takes the same `reconcile` and `onReconcile` options.
   *
   * @example
   * ```ts
   * const datasetId = await client.createProfileExportDataset({ name: 'Audience export' });
   * const job = await client.createExportJob({ destination: { datasetId }, schema: { name: '_xdm.context.profile' } });
   * ```
   */
  async createProfileExportDataset(
    request: CreateProfileExportDatasetRequest,
    options?: CreateOptions,
  ): Promise<string> {
    return createProfileExportDataset(this.#catalog, request, checkCreateOptions(options));
  }

  /**
   * Lists every file of an exported batch through Data Access, page by page, resolving
   * directories into their files, each with its name and size.
   *
   * @example
   * ```ts
   * const job = await client.getExportJob(42);
   * if (!job.destination.segmentPerBatch && job.destination.batchId) {
   *   for (const file of await client.listBatchFiles(job.destination.batchId)) console.log(file.name, file.length);
   * }
   * ```
   */
  async listBatchFiles(batchId: string, options?: RequestOptions): Promise<BatchFile[]> {
    return listBatchFiles(this.#dataAccess, batchId, checkRequestOptions(options));
  }

  /**
   * Downloads every file of an exported batch into `options.dir`, streaming to disk with bounded
   * concurrency, resuming broken downloads with `Range`, checking sizes, and reporting progress.
   * Server file names never escape `dir`.
   *
   * @example
   * ```ts
   * const files = await client.downloadBatchFiles(batchId, { dir: './export', onProgress: (p) => console.log(p.bytes) });
   * ```
   */
  async downloadBatchFiles(batchId: string, options: DownloadOptions): Promise<DownloadedFile[]> {
    return downloadBatchFiles(this.#dataAccess, batchId, checkRequestOptions(options) as DownloadOptions);
  }

  /**
   * Reads the profiles of an exported batch straight from Data Access, without writing to disk:
   * each Parquet file is read over `Range` requests through the client's transport (auth,
   * retries, the size cap, the range checks), one row group at a time. Rows are plain objects
   * shaped like the job's `fields` (or `options.fields`, a subset).
   *
   * @example
   * ```ts
   * for await (const row of client.readBatchProfiles(batchId, { fields: ['_id', 'personalEmail.address'] })) {
   *   console.log(row);
   * }
   * ```
   */
  readBatchProfiles(batchId: string, options: ReadBatchProfilesOptions = {}): AsyncGenerator<ProfileRow> {
    return readBatchProfiles(this.#dataAccess, batchId, checkRequestOptions(options));
  }
}
