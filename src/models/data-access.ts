import { z } from 'zod';

const Href = z.looseObject({ href: z.string().optional() });
/** Sizes and counts Adobe documents as strings ("length": "1024") and sometimes sends as numbers. */
const Count = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** One dataset file of a batch, as `GET /batches/{batchId}/files` lists it. */
export const DatasetFileSchema = z.looseObject({
  dataSetFileId: z.string().min(1),
  dataSetViewId: z.string().optional(),
  version: z.string().optional(),
  /** Epoch milliseconds, as a string. */
  created: z.string().optional(),
  updated: z.string().optional(),
  records: Count.optional(),
  size: Count.optional(),
  isValid: z.boolean().optional(),
  _links: z.looseObject({ self: Href.optional() }).optional(),
});
/** A dataset file of a batch. */
export type DatasetFile = z.infer<typeof DatasetFileSchema>;

const PageSchema = z.looseObject({ limit: z.number().optional(), count: z.number().optional() });
const LinksSchema = z.looseObject({ next: Href.optional(), page: Href.optional() });

/** A page of a batch's dataset files. `_links.next.href` is absolute. */
export const DatasetFilesPageSchema = z.looseObject({
  data: z.array(DatasetFileSchema).default([]),
  _page: PageSchema.optional(),
  _links: LinksSchema.optional(),
});
export type DatasetFilesPage = z.infer<typeof DatasetFilesPageSchema>;

/**
 * One entry of `GET /files/{dataSetFileId}`: a file (`name`, `length`, a `self` link carrying
 * `?path={name}`), or, for a directory, another dataset file id to follow.
 */
export const FileEntrySchema = z.looseObject({
  name: z.string().optional(),
  length: Count.optional(),
  dataSetFileId: z.string().optional(),
  _links: z.looseObject({ self: Href.optional() }).optional(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const FileListingSchema = z.looseObject({
  data: z.array(FileEntrySchema).default([]),
  _page: PageSchema.optional(),
  _links: LinksSchema.optional(),
});
export type FileListing = z.infer<typeof FileListingSchema>;

/** Catalog's answer to creating a dataset: `["@/dataSets/5c8c3c555033b814b69f947f"]`. */
export const CreateDatasetResponseSchema = z.array(z.string()).min(1);
