import { ConfigurationError } from './errors/configuration-error.js';
import type { Logger } from './internal/http/log.js';
import { jobIdSegment, nextLinkPath } from './internal/http/path.js';
import { listBatchFiles, type BatchFile } from './resources/data-access.js';
import { createProfileExportDataset, type CreateProfileExportDatasetRequest } from './resources/catalog.js';
import { downloadBatchFiles, type DownloadedFile, type DownloadOptions } from './download.js';
import { parseBody } from './internal/http/parse.js';
import { Transport, type CallSettings, type TransportConfig } from './internal/http/transport.js';
import { OAuthTokenProvider, type OAuthCredentials } from './auth/oauth.js';
import { isTokenProvider, toTokenSource, type AccessTokenSource, type TokenProvider } from './auth/token-provider.js';
import type { CreateExportJobRequest } from './models/create-request.js';
import { validateCreateExportJobRequest } from './resources/export-jobs.js';
import { parseInput } from './internal/validation.js';
import { ExportJobSchema, type ExportJob } from './models/export-job.js';
import {
  CancelExportJobResultSchema,
  ExportJobListSchema,
  ListExportJobsQuerySchema,
  type CancelExportJobResult,
  type ExportJobList,
  type ListExportJobsQuery,
} from './models/list.js';

/** The production endpoint of the Segmentation Service. */
export const DEFAULT_BASE_URL = 'https://platform.adobe.io/data/core/ups';
/** The default per-attempt timeout, in ms. */
export const DEFAULT_TIMEOUT = 60_000;
/** The default number of retries after a first failed attempt. */
export const DEFAULT_MAX_RETRIES = 2;

/**
 * Settings of an {@link ExportJobsClient}.
 *
 * @example
 * ```ts
 * const client = new ExportJobsClient({
 *   accessToken: process.env.AEP_ACCESS_TOKEN!,
 *   apiKey: process.env.AEP_API_KEY!,
 *   orgId: '1BD6382559DF0C130A49422D@AdobeOrg',
 *   sandboxName: 'prod',
 *   timeout: 30_000,
 *   maxRetries: 3,
 * });
 * ```
 */
export interface ExportJobsClientOptions {
  /**
   * A bearer token, a function returning one (or a Promise of one) called for each request, or a
   * `TokenProvider` (such as `OAuthTokenProvider`). Give this or `credentials`, not both.
   */
  accessToken?: AccessTokenSource;
  /**
   * OAuth Server-to-Server credentials: the client gets tokens from Adobe IMS, caches them and
   * renews them before they expire, and after a 401 renews once and replays the request.
   */
  credentials?: OAuthCredentials;
  /** The API key: your credential's client id (`x-api-key`). Defaults to `credentials.clientId`. */
  apiKey?: string;
  /** The IMS organization id, such as `1BD6382559DF0C130A49422D@AdobeOrg` (`x-gw-ims-org-id`). */
  orgId: string;
  /**
   * The sandbox to work in (`x-sandbox-name`), such as `prod`. Required, so that a forgotten
   * setting never silently writes to production.
   */
  sandboxName: string;
  /** The API's base URL. Default `https://platform.adobe.io/data/core/ups`. */
  baseUrl?: string;
  /** The Catalog API's base URL (datasets). Default: `baseUrl`'s origin + `/data/foundation/catalog`. */
  catalogUrl?: string;
  /** The Data Access API's base URL (exported files). Default: `baseUrl`'s origin + `/data/foundation/export`. */
  dataAccessUrl?: string;
  /** Per-attempt timeout in ms, covering the response headers and body. Default 60 000. */
  timeout?: number;
  /** Retries after a failed attempt, for failures that are safe to retry. Default 2; 0 disables. */
  maxRetries?: number;
  /** A fetch implementation to send requests with (instrumentation, proxies, tests). Default: global `fetch`. */
  fetch?: (input: Request | URL | string, init?: RequestInit) => Promise<Response>;
  /** Receives one debug line per HTTP attempt; tokens are redacted. `console` works. */
  logger?: Logger;
  /** Headers added to every request (the SDK's own headers win over these). */
  defaultHeaders?: Record<string, string>;
}

/**
 * Per-call settings, the last argument of every operation.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const job = await client.getExportJob(42, { signal: controller.signal, timeout: 5_000, sandboxName: 'dev' });
 * ```
 */
export interface RequestOptions {
  /** Aborts the call, including any wait between retries; the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Per-attempt timeout in ms for this call. */
  timeout?: number;
  /** Another sandbox for this call only. */
  sandboxName?: string;
  /** Extra headers for this call, such as `x-profile-instance-id`. */
  headers?: Record<string, string>;
  /** Retries for this call. */
  maxRetries?: number;
}

/**
 * The client of the AEP Segmentation Service export jobs API: list, create, get and cancel
 * export jobs. It owns the headers, authentication, retries, timeouts and error mapping; every
 * response is validated and normalised by the zod schemas.
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
  readonly #transport: Transport;
  readonly #catalog: Transport;
  readonly #dataAccess: Transport;

  constructor(options: ExportJobsClientOptions) {
    this.#options = Object.freeze({ ...options });
    const config = resolveConfig(options);
    this.#transport = new Transport(config);
    // The same token source, headers, retries and logger: one HTTP core for every AEP API used.
    const origin = new URL(config.baseUrl).origin;
    this.#catalog = new Transport({ ...config, baseUrl: serviceUrl('catalogUrl', options.catalogUrl, `${origin}/data/foundation/catalog`) });
    this.#dataAccess = new Transport({ ...config, baseUrl: serviceUrl('dataAccessUrl', options.dataAccessUrl, `${origin}/data/foundation/export`) });
  }

  /** The base URL requests go to (without a trailing slash). */
  get baseUrl(): string {
    return this.#transport.config.baseUrl;
  }

  /** The per-attempt timeout of requests, in ms, unless a call overrides it. */
  get timeout(): number {
    return this.#transport.config.timeout;
  }

  /** The sandbox requests go to, unless a call overrides it. */
  get sandboxName(): string {
    return this.#transport.config.platform!.sandboxName;
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
    if (overrides.accessToken !== undefined) delete merged.credentials;
    else if (overrides.credentials !== undefined) delete merged.accessToken;
    else {
      delete merged.credentials;
      merged.accessToken = this.#transport.config.token as TokenProvider;
      merged.apiKey = overrides.apiKey ?? this.#transport.config.platform!.apiKey;
    }
    return new ExportJobsClient(merged);
  }

  /**
   * Lists export jobs, newest first: one page (`records`, `page`, `link`). For every job across
   * pages, use `paginateExportJobs`.
   *
   * @example
   * ```ts
   * const { records, link } = await client.listExportJobs({ status: 'SUCCEEDED', limit: 20 });
   * ```
   */
  async listExportJobs(query: ListExportJobsQuery = {}, options?: RequestOptions): Promise<ExportJobList> {
    const parsed = parseInput(ListExportJobsQuerySchema, query, 'list export jobs query');
    const result = await this.#transport.send({ method: 'GET', path: 'export/jobs', query: parsed, idempotent: true }, settings(options));
    return parseBody(result, ExportJobListSchema);
  }

  /**
   * Fetches the page a list response's `link.next` points to, exactly as the server gave it
   * (`/export/jobs/?limit=2&offset=1538573416687_722`), resolved against the base URL's path.
   * Only a same-origin relative link to the export jobs listing is followed; anything else throws
   * `RequestValidationError` and sends nothing. `paginateExportJobs` does this for you.
   *
   * @example
   * ```ts
   * const first = await client.listExportJobs({ limit: 50 });
   * if (first.link.next) {
   *   const second = await client.getExportJobsPage(first.link.next);
   * }
   * ```
   */
  async getExportJobsPage(link: string, options?: RequestOptions): Promise<ExportJobList> {
    const path = nextLinkPath(link, new URL(this.baseUrl).pathname);
    const result = await this.#transport.send({ method: 'GET', path, idempotent: true }, settings(options));
    return parseBody(result, ExportJobListSchema);
  }

  /**
   * Creates an export job. The request is validated first; an invalid one throws
   * `RequestValidationError` and sends nothing. The API has no idempotency key, so a create is
   * retried only where the server certainly did not act (429, connection refused): a failure
   * never creates a job twice.
   *
   * @example
   * ```ts
   * const job = await client.createExportJob({
   *   fields: 'identities.id,personalEmail.address',
   *   filter: { segments: [{ segmentId: '52c26d0d-45f2-47a2-ab30-ed06abc981ff', status: ['realized'] }] },
   *   destination: { datasetId: '5b7c86968f7b6501e21ba9df', segmentPerBatch: false },
   *   schema: { name: '_xdm.context.profile' },
   * });
   * ```
   */
  async createExportJob(request: CreateExportJobRequest, options?: RequestOptions): Promise<ExportJob> {
    const body = validateCreateExportJobRequest(request);
    const result = await this.#transport.send({ method: 'POST', path: 'export/jobs', body, idempotent: false }, settings(options));
    return parseBody(result, ExportJobSchema);
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
    const path = `export/jobs/${jobIdSegment(id)}`;
    const result = await this.#transport.send({ method: 'GET', path, idempotent: true }, settings(options));
    return parseBody(result, ExportJobSchema);
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
    const path = `export/jobs/${jobIdSegment(id)}`;
    const result = await this.#transport.send({ method: 'DELETE', path, idempotent: true }, settings(options));
    if (result.text.trim() === '') return { status: true };
    return parseBody(result, CancelExportJobResultSchema);
  }

  /**
   * Creates the dataset an export job writes to: Catalog `POST /dataSets` on the profile union
   * schema (persisted, parquet). Resolves with the dataset id. Like `createExportJob`, it is not
   * retried after a 5xx or a timeout, so a dataset is never created twice.
   *
   * @example
   * ```ts
   * const datasetId = await client.createProfileExportDataset({ name: 'Audience export' });
   * const job = await client.createExportJob({ destination: { datasetId }, schema: { name: '_xdm.context.profile' } });
   * ```
   */
  async createProfileExportDataset(request: CreateProfileExportDatasetRequest, options?: RequestOptions): Promise<string> {
    return createProfileExportDataset(this.#catalog, request, settings(options));
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
    return listBatchFiles(this.#dataAccess, batchId, settings(options));
  }

  /**
   * Downloads every file of an exported batch into `dir`, streaming to disk with bounded
   * concurrency, resuming broken downloads with `Range`, checking sizes, and reporting progress.
   * Server file names never escape `dir`.
   *
   * @example
   * ```ts
   * const files = await client.downloadBatchFiles(batchId, { dir: './export', onProgress: (p) => console.log(p.bytes) });
   * ```
   */
  async downloadBatchFiles(batchId: string, download: DownloadOptions, options?: RequestOptions): Promise<DownloadedFile[]> {
    return downloadBatchFiles(this.#dataAccess, batchId, download, settings(options));
  }
}

function serviceUrl(option: string, value: string | undefined, fallback: string): string {
  const url = (value ?? fallback).replace(/\/+$/, '');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new ConfigurationError(option, `must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  return url;
}

function settings(options: RequestOptions | undefined): CallSettings {
  if (!options) return {};
  if (options.timeout !== undefined) checkTimeout('timeout', options.timeout);
  if (options.maxRetries !== undefined) checkMaxRetries('maxRetries', options.maxRetries);
  if (options.sandboxName !== undefined) requireText('sandboxName', options.sandboxName);
  return options;
}

function resolveConfig(options: ExportJobsClientOptions): TransportConfig {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options', 'expected an object');
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new ConfigurationError('baseUrl', `must be an absolute http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  checkTimeout('timeout', timeout);
  checkMaxRetries('maxRetries', maxRetries);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new ConfigurationError('fetch', 'must be a function');
  if (options.logger !== undefined && typeof options.logger?.debug !== 'function') throw new ConfigurationError('logger', 'must have a debug(message, fields) method');
  const { token, apiKey } = resolveAuth(options, timeout, maxRetries);
  return {
    baseUrl,
    token,
    platform: {
      apiKey: requireText('apiKey', apiKey),
      orgId: requireText('orgId', options.orgId),
      sandboxName: requireText('sandboxName', options.sandboxName),
    },
    timeout,
    maxRetries,
    fetch: options.fetch,
    logger: options.logger,
    headers: options.defaultHeaders,
  };
}

/** One token source from `accessToken` or `credentials`; `apiKey` defaults to the client id. */
function resolveAuth(options: ExportJobsClientOptions, timeout: number, maxRetries: number) {
  const { accessToken, credentials } = options;
  if (accessToken !== undefined && credentials !== undefined) throw new ConfigurationError('credentials', 'give accessToken or credentials, not both');
  if (credentials !== undefined) {
    if (typeof credentials !== 'object' || credentials === null) throw new ConfigurationError('credentials', 'expected { clientId, clientSecret, scopes?, imsUrl? }');
    const provider = new OAuthTokenProvider({
      ...credentials,
      timeout,
      maxRetries,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return { token: toTokenSource(provider), apiKey: options.apiKey ?? provider.clientId };
  }
  if (typeof accessToken === 'string') requireText('accessToken', accessToken);
  else if (typeof accessToken !== 'function' && !isTokenProvider(accessToken)) {
    throw new ConfigurationError('accessToken', 'is required: a token string, a function that returns one, or a TokenProvider (or give credentials)');
  }
  return { token: toTokenSource(accessToken), apiKey: options.apiKey };
}

function requireText(option: string, value: unknown): string {
  if (value === undefined || value === null) throw new ConfigurationError(option, 'is required');
  if (typeof value !== 'string') throw new ConfigurationError(option, `must be a string, got ${typeof value}`);
  if (value.trim() === '') throw new ConfigurationError(option, 'must not be empty');
  return value;
}

function checkTimeout(option: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 2_147_483_647)) {
    throw new ConfigurationError(option, `must be a positive number of milliseconds, got ${String(value)}`);
  }
}

function checkMaxRetries(option: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0)) throw new ConfigurationError(option, `must be a non-negative integer, got ${String(value)}`);
}
