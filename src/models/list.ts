import { z } from 'zod';
import { ExportJobSchema } from './export-job.js';

/**
 * One page of `GET /export/jobs`: newest first. `link.next` is the relative URL of the next page
 * (`/export/jobs/?limit=2&offset=1538573416687_722`), empty or absent on the last page.
 */
export const ExportJobListSchema = z.looseObject({
  records: z.array(ExportJobSchema).default([]),
  page: z
    .looseObject({
      sortField: z.string().optional(),
      sort: z.string().optional(),
      pageOffset: z.string().optional(),
      pageSize: z.number().optional(),
    })
    .default({}),
  link: z.looseObject({ next: z.string().optional() }).default({}),
});
/** A page of export jobs. */
export type ExportJobList = z.infer<typeof ExportJobListSchema>;

/** The filter values the API documents for `status` on list. */
export const ListStatusFilterSchema = z.enum(['NEW', 'SUCCEEDED', 'FAILED']);

/**
 * Query of `listExportJobs`: page size, the cursor to start after, and a status filter.
 * @example
 * ```ts
 * const page = await client.listExportJobs({ status: 'SUCCEEDED', limit: 50 });
 * ```
 */
export const ListExportJobsQuerySchema = z.strictObject({
  /** How many jobs a page holds. */
  limit: z.number().int().positive().optional(),
  /** The cursor (`{creationTimeMs}_{id}`) from `page.pageOffset` or `link.next`. */
  offset: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  /** Only jobs with this status. */
  status: ListStatusFilterSchema.optional(),
});
/** The query of `listExportJobs`. */
export type ListExportJobsQuery = z.input<typeof ListExportJobsQuerySchema>;

/** What cancelling returns: the spec's `{ status: true, message }`; a 204 reads as `{ status: true }`. */
export const CancelExportJobResultSchema = z.looseObject({
  status: z.boolean(),
  message: z.string().optional(),
});
/** The result of `cancelExportJob`. */
export type CancelExportJobResult = z.infer<typeof CancelExportJobResultSchema>;
