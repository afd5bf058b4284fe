import { z } from 'zod';
import { lenientObject, LenientCount, LenientText } from './common.js';
import { ExportJobSchema } from './export-job.js';

/**
 * `page` of a list response. Informational: a field of an unexpected type reads as `undefined`,
 * never failing the page.
 */
const ListPageObject = lenientObject({
  /** The field sorted on, `createdTime`. */
  sortField: LenientText,
  /** `desc`. */
  sort: LenientText,
  /**
   * The cursor of the page's last record (`{creationTimeMs}_{id}`), always a string: a number is
   * read as its digits, as tools serving the spec's example (`1540974701302_96`, an unquoted YAML
   * scalar) send `154097470130296`. Informational: follow `link.next`, which may differ.
   */
  pageOffset: LenientText,
  /** The page size asked for (a numeric string is read as a number). */
  pageSize: LenientCount,
});

const ExportJobListObject = lenientObject({
  /** The jobs of this page, newest first. */
  records: z.array(ExportJobSchema).default([]),
  /**
   * Page metadata, informational only: a number or a string is accepted wherever the sources
   * disagree (`pageOffset` is always read as a string, `pageSize` as a number), and a value of
   * another type reads as `undefined` instead of failing a page of good records. `{}` when absent.
   */
  page: ListPageObject.default({}).catch({}),
  /** `next`: the relative URL of the next page; empty or absent on the last page. `{}` when absent. */
  link: lenientObject({ next: z.string().optional() }).default({}),
});

/**
 * One page of `GET /export/jobs`: newest first. `link.next` is the relative URL of the next page
 * (`/export/jobs/?limit=2&offset=1538573416687_722`), empty or absent on the last page.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(list as Record<string, unknown>).newField` (and likewise on `list.page` or `list.link`).
 */
export interface ExportJobList extends z.output<typeof ExportJobListObject> {}
/**
 * Reads an {@link ExportJobList}: each record as {@link ExportJobSchema} does, `page` leniently;
 * unknown fields are kept.
 */
export const ExportJobListSchema: z.ZodType<ExportJobList> = ExportJobListObject;

/** The filter values the API documents for `status` on list. */
export const ListStatusFilterSchema = z.enum(['NEW', 'SUCCEEDED', 'FAILED']);

const ListExportJobsQueryObject = z.strictObject({
  /** How many jobs a page holds. */
  limit: z.number().int().positive().optional(),
  /** The cursor (`{creationTimeMs}_{id}`) from `page.pageOffset` or `link.next`. */
  offset: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
  /** Only jobs with this status: `NEW`, `SUCCEEDED` or `FAILED` (a misspelt value is a compile error). */
  status: ListStatusFilterSchema.optional(),
});

/**
 * Query of `listExportJobs`: page size, the cursor to start after, and a status filter. Exact:
 * an unknown key is a compile error and is refused at run time.
 *
 * @example
 * ```ts
 * const page = await client.listExportJobs({ status: 'SUCCEEDED', limit: 50 });
 * ```
 */
export interface ListExportJobsQuery extends z.input<typeof ListExportJobsQueryObject> {}
/** Validates a {@link ListExportJobsQuery}, refusing unknown keys. */
export const ListExportJobsQuerySchema: z.ZodType<ListExportJobsQuery, ListExportJobsQuery> = ListExportJobsQueryObject;

const CancelExportJobResultObject = lenientObject({
  /** `true` when the job was marked for cancelling. */
  status: z.boolean(),
  /** Such as `Export job has been marked for cancelling`. */
  message: z.string().optional(),
});
/**
 * What cancelling returns: the spec's `{ status: true, message }`; a 204 reads as `{ status: true }`.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(result as Record<string, unknown>).newField`.
 */
export interface CancelExportJobResult extends z.output<typeof CancelExportJobResultObject> {}
/** Reads a {@link CancelExportJobResult}; unknown fields are kept. */
export const CancelExportJobResultSchema: z.ZodType<CancelExportJobResult> = CancelExportJobResultObject;
