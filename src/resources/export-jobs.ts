import { parseBody } from '../internal/http/parse.js';
import { nextLinkPath, path } from '../internal/http/path.js';
import type { Transport } from '../internal/http/transport.js';
import { parseInput } from '../internal/validation.js';
import { CreateExportJobRequestSchema, type CreateExportJobRequest, type NormalizedCreateExportJobRequest } from '../models/create-request.js';
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
export async function listPage(transport: Transport, query: ListExportJobsQuery, link: string | undefined, options: RequestOptions): Promise<ExportJobList> {
  const request =
    link === undefined
      ? { method: 'GET' as const, path: 'export/jobs', query, idempotent: true }
      : { method: 'GET' as const, path: nextLinkPath(link, new URL(transport.config.baseUrl).pathname), idempotent: true };
  return parseBody(await transport.send(request, options), ExportJobListSchema);
}

export async function createJob(transport: Transport, request: CreateExportJobRequest, options: RequestOptions): Promise<ExportJob> {
  const body = validateCreateExportJobRequest(request);
  const result = await transport.send({ method: 'POST', path: 'export/jobs', body, idempotent: false }, options);
  return parseBody(result, ExportJobSchema);
}

export async function getJob(transport: Transport, id: number | string, options: RequestOptions): Promise<ExportJob> {
  const result = await transport.send({ method: 'GET', path: path`export/jobs/${{ id }}`, idempotent: true }, options);
  return parseBody(result, ExportJobSchema);
}

export async function cancelJob(transport: Transport, id: number | string, options: RequestOptions): Promise<CancelExportJobResult> {
  const result = await transport.send({ method: 'DELETE', path: path`export/jobs/${{ id }}`, idempotent: true }, options);
  if (result.text.trim() === '') return { status: true };
  return parseBody(result, CancelExportJobResultSchema);
}
