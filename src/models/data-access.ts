import { z } from 'zod';
import { lenientObject, LenientCount } from './common.js';

const Href = lenientObject({ href: z.string().optional() });
/** Sizes and counts Adobe documents as strings ("length": "1024") and sometimes sends as numbers. */
const Count = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const DatasetFileObject = lenientObject({
  /** The dataset file's id: list its files with `GET /files/{dataSetFileId}`. */
  dataSetFileId: z.string().min(1),
  /** The dataset view it belongs to. */
  dataSetViewId: z.string().optional(),
  /** Its version. */
  version: z.string().optional(),
  /** Epoch milliseconds, as a string. */
  created: z.string().optional(),
  /** Epoch milliseconds, as a string. */
  updated: z.string().optional(),
  /** How many records it holds (a numeric string is read as a number). */
  records: Count.optional(),
  /** Its size in bytes (a numeric string is read as a number). */
  size: Count.optional(),
  /** Whether the file is valid. */
  isValid: z.boolean().optional(),
  /** `self.href`: the file's own URL. */
  _links: lenientObject({ self: Href.optional() }).optional(),
});
/**
 * One dataset file of a batch, as `GET /batches/{batchId}/files` lists it.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(file as Record<string, unknown>).newField`.
 */
export interface DatasetFile extends z.output<typeof DatasetFileObject> {}
/** Reads a {@link DatasetFile}; unknown fields are kept. */
export const DatasetFileSchema: z.ZodType<DatasetFile> = DatasetFileObject;

/**
 * `_page` of a Data Access listing. Informational: a number or a numeric string; anything else
 * reads as `undefined`.
 */
const PageSchema = lenientObject({
  /** The page size asked for. */
  limit: LenientCount,
  /** How many entries this page holds. */
  count: LenientCount,
});
const LinksSchema = lenientObject({
  /** The next page, an absolute URL; absent on the last page. */
  next: Href.optional(),
  /** This page. */
  page: Href.optional(),
});

const DatasetFilesPageObject = lenientObject({
  /** The dataset files of this page. */
  data: z.array(DatasetFileSchema).default([]),
  /** Page metadata (`limit`, `count`); informational, never fails the page. */
  _page: PageSchema.optional().catch(undefined),
  /** `next.href`, absolute, when there is a next page. */
  _links: LinksSchema.optional(),
});
/**
 * A page of a batch's dataset files. `_links.next.href` is absolute.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(page as Record<string, unknown>).newField`.
 */
export interface DatasetFilesPage extends z.output<typeof DatasetFilesPageObject> {}
/** Reads a {@link DatasetFilesPage}; unknown fields are kept. */
export const DatasetFilesPageSchema: z.ZodType<DatasetFilesPage> = DatasetFilesPageObject;

const FileEntryObject = lenientObject({
  /** The file's name (it may hold sub-folders); absent on a directory entry. */
  name: z.string().optional(),
  /** Its size in bytes (a numeric string is read as a number). */
  length: Count.optional(),
  /** On a directory entry: the dataset file id to list next. */
  dataSetFileId: z.string().optional(),
  /** `self.href`: the file's download URL (`.../files/{id}?path={name}`). */
  _links: lenientObject({ self: Href.optional() }).optional(),
});
/**
 * One entry of `GET /files/{dataSetFileId}`: a file (`name`, `length`, a `self` link carrying
 * `?path={name}`), or, for a directory, another dataset file id to follow.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(entry as Record<string, unknown>).newField`.
 */
export interface FileEntry extends z.output<typeof FileEntryObject> {}
/** Reads a {@link FileEntry}; unknown fields are kept. */
export const FileEntrySchema: z.ZodType<FileEntry> = FileEntryObject;

const FileListingObject = lenientObject({
  /** The files (or directories) of this page. */
  data: z.array(FileEntrySchema).default([]),
  /** Page metadata (`limit`, `count`); informational, never fails the page. */
  _page: PageSchema.optional().catch(undefined),
  /** `next.href`, absolute, when there is a next page. */
  _links: LinksSchema.optional(),
});
/**
 * A page of `GET /files/{dataSetFileId}`: the files of a dataset file, or directories to follow.
 *
 * Fields Adobe adds later are kept on the parsed object but are not part of this type: read one
 * with `(listing as Record<string, unknown>).newField`.
 */
export interface FileListing extends z.output<typeof FileListingObject> {}
/** Reads a {@link FileListing}; unknown fields are kept. */
export const FileListingSchema: z.ZodType<FileListing> = FileListingObject;

/** Catalog's answer to creating a dataset: `["@/dataSets/5c8c3c555033b814b69f947f"]`. */
export const CreateDatasetResponseSchema = z.array(z.string()).min(1);
