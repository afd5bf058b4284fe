import { ExportJobsError } from '../errors/export-jobs-error.js';
import { parseBody } from '../internal/http/parse.js';
import { nextLinkPath, path } from '../internal/http/path.js';
import type { Transport } from '../internal/http/transport.js';
import { parseInput } from '../internal/validation.js';
import {
  CreateExportJobRequestSchema,
  type CreateExportJobRequest,
  type NormalizedCreateExportJobRequest,
} from '../models/create-request.js';
import { ExportJobSchema, type ExportJob } from '../models/export-job.js';
import {
  CancelExportJobResultSchema,
  ExportJobListSchema,
  ListExportJobsQuerySchema,
  type CancelExportJobResult,
  type ExportJobList,
  type ListExportJobsQuery,
} from '../models/list.js';
import type { RequestOptions } from '../options.js';
import { clockOffset, createExactlyOnce, type CreateOptions } from '../reconcile.js';
import { matchesCreateRequest } from './reconcile-create.js';

/**
 * The Segmentation Service's export jobs (`/export/jobs`): the four operations, thin over the
 * transport. `ExportJobsClient` exposes them; their documentation lives on its methods.
 */

/**
 * Validates a create request and returns the body to send. Throws `RequestValidationError`
 * listing every problem with its field path.
 *
 * @example
 * ```ts
 * const body = validateCreateExportJobRequest(JSON.parse(await readFile('job.json', 'utf8')));
 * ```
 */
export function validateCreateExportJobRequest(request: unknown): NormalizedCreateExportJobRequest {
  return parseInput(CreateExportJobRequestSchema, request, 'create export job request');
}

/** A list query checked before anything is sent. */
export function checkListQuery(query: ListExportJobsQuery): ListExportJobsQuery {
  return parseInput(ListExportJobsQuerySchema, query, 'list export jobs query');
}

/** One page: the first of `query`, or the one `link` (a `link.next`) names. */
export async function listPage(
  transport: Transport,
  query: ListExportJobsQuery,
  link: string | undefined,
  options: RequestOptions,
): Promise<ExportJobList> {
  return (await readPage(transport, query, link, options)).list;
}

/** A page, and how far the server's clock is ahead of this one (ms, from its `Date` header; 0 without one). */
async function readPage(
  transport: Transport,
  query: ListExportJobsQuery,
  link: string | undefined,
  options: RequestOptions,
): Promise<{ list: ExportJobList; clockOffset: number }> {
  const request =
    link === undefined
      ? { method: 'GET' as const, path: 'export/jobs', query, idempotent: true }
      : {
          method: 'GET' as const,
          path: nextLinkPath(link, new URL(transport.config.baseUrl).pathname),
          idempotent: true,
        };
  const result = await transport.send(request, options);
  return { list: parseBody(result, ExportJobListSchema), clockOffset: clockOffset(result.headers) };
}

/**
 * A create, exactly once: sent, and after an ambiguous failure reconciled with the jobs listed
 * since it began (`createExactlyOnce`), unless `reconcile: false`.
 */
export async function createJob(
  transport: Transport,
  request: CreateExportJobRequest,
  options: CreateOptions,
): Promise<ExportJob> {
  const body = validateCreateExportJobRequest(request);
  const { reconcile: _reconcile, onReconcile: _onReconcile, ...requestOptions } = options;
  return createExactlyOnce(
    {
      resource: 'export job',
      send: async () => {
        const result = await transport.send(
          { method: 'POST', path: 'export/jobs', body, idempotent: false },
          requestOptions,
        );
        return parseBody(result, ExportJobSchema);
      },
      find: (since) => findCreatedJobs(transport, body, since, requestOptions),
      describe: (job) => ({ id: job.id, createdAt: job.creationTime, requestId: job.requestId }),
      maxRetries: requestOptions.maxRetries ?? transport.config.maxRetries,
      logger: transport.config.logger,
    },
    options,
  );
}

/** The page size of the look-up's listing. */
const LOOKUP_PAGE_SIZE = 50;
/** The most pages the look-up reads: a window busier than that is reported, never walked whole. */
const LOOKUP_MAX_PAGES = 4;

/**
 * The jobs created at or after `since` (epoch ms, this machine's clock) that match the request,
 * newest first. Creation times are the server's, so `since` is moved by how far the server's
 * clock is from this one (its `Date` header). The listing is newest first, so reading stops at
 * the first job older than that.
 */
export async function findCreatedJobs(
  transport: Transport,
  request: NormalizedCreateExportJobRequest,
  since: number,
  options: RequestOptions,
): Promise<ExportJob[]> {
  const found: ExportJob[] = [];
  let link: string | undefined;
  let serverSince: number | undefined;
  for (let page = 1; page <= LOOKUP_MAX_PAGES; page++) {
    const { list, clockOffset } = await readPage(transport, { limit: LOOKUP_PAGE_SIZE }, link, options);
    serverSince ??= since + clockOffset;
    for (const job of list.records) {
      if (job.creationTime < serverSince) return found;
      if (matchesCreateRequest(job, request)) found.push(job);
    }
    link = list.link.next || undefined;
    if (link === undefined || list.records.length === 0) return found;
  }
  throw new ExportJobsError(
    `more than ${LOOKUP_MAX_PAGES * LOOKUP_PAGE_SIZE} jobs were created since ${new Date(since).toISOString()}: ` +
      'too many to check for the one an ambiguous create may have made',
  );
}

export async function getJob(transport: Transport, id: number | string, options: RequestOptions): Promise<ExportJob> {
  const result = await transport.send({ method: 'GET', path: path`export/jobs/${{ id }}`, idempotent: true }, options);
  return parseBody(result, ExportJobSchema);
}

export async function cancelJob(
  transport: Transport,
  id: number | string,
  options: RequestOptions,
): Promise<CancelExportJobResult> {
  const result = await transport.send(
    { method: 'DELETE', path: path`export/jobs/${{ id }}`, idempotent: true },
    options,
  );
  if (result.text.trim() === '') return { status: true };
  return parseBody(result, CancelExportJobResultSchema);
}
