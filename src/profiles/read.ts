/**
 * Rows out of one Parquet file, one row group at a time: the footer first (checked, so a file
 * that is not Parquet or was cut short is named as such), then each row group read and handed
 * over before the next is fetched, so memory holds one row group, never the file.
 */
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { ExportJobsError } from '../errors/export-jobs-error.js';
import { ProfileReadError } from './errors.js';
import { fieldTree, isTopLevelOnly, missingField, project } from './fields.js';

/** A profile row: a plain object shaped like the fields read (nested fields as objects, lists as arrays). */
export type ProfileRow = Record<string, unknown>;

/** Options of the profile readers. */
export interface ReadProfilesOptions {
  /** The fields to read, as dot paths (`identities.id`, `person.name`); default every column. */
  fields?: readonly string[] | undefined;
  /** Stops the reading: the iteration then throws the signal's reason. */
  signal?: AbortSignal | undefined;
}

const MAGIC = 'PAR1';
/** hyparquet, loaded when the first file is read: importing the SDK should not pay for it. */
const hyparquet = () => import('hyparquet');
const text = (buffer: ArrayBuffer) => new TextDecoder().decode(buffer);

/** Checks the magic at both ends before hyparquet reads anything, for errors that say what is wrong. */
async function checkShape(file: AsyncBuffer, name: string): Promise<void> {
  const size = file.byteLength;
  const head = size >= 4 ? text(await file.slice(0, 4)) : '';
  if (head !== MAGIC)
    throw new ProfileReadError('not-parquet', name, `not a Parquet file (it does not start with ${MAGIC})`);
  const tail = size >= 12 ? await file.slice(size - 8, size) : undefined;
  if (!tail || text(tail.slice(4)) !== MAGIC) {
    throw new ProfileReadError(
      'truncated',
      name,
      `the file is cut short: its ${size} bytes end before the Parquet footer`,
    );
  }
  const footer = new DataView(tail).getUint32(0, true);
  if (footer + 12 > size)
    throw new ProfileReadError('truncated', name, `the footer says ${footer} bytes, the file has ${size}`);
}

async function metadataOf(file: AsyncBuffer, name: string): Promise<FileMetaData> {
  await checkShape(file, name);
  try {
    const { parquetMetadataAsync } = await hyparquet();
    return await parquetMetadataAsync(file);
  } catch (cause) {
    // The SDK's own errors (a Data Access read that failed) are not about the file's content.
    if (cause instanceof ExportJobsError) throw cause;
    throw new ProfileReadError('corrupt', name, `the Parquet footer cannot be read: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * The rows of one Parquet file, with `extra` fields (the segment) put first in each.
 *
 * @example
 * ```ts
 * const file = await fileBuffer('part-00000.snappy.parquet');
 * for await (const row of readParquetRows(file, 'part-00000')) console.log(row);
 * ```
 */
export async function* readParquetRows(
  file: AsyncBuffer,
  name: string,
  options: ReadProfilesOptions = {},
  extra: ProfileRow | undefined = undefined,
): AsyncGenerator<ProfileRow> {
  const { signal } = options;
  signal?.throwIfAborted();
  const metadata = await metadataOf(file, name);
  const { parquetReadObjects, parquetSchema } = await hyparquet();
  const tree = options.fields ? fieldTree(options.fields) : undefined;
  if (options.fields) {
    const missing = missingField(parquetSchema(metadata), options.fields);
    if (missing !== undefined) {
      throw new ProfileReadError('missing-column', name, `the file has no column ${JSON.stringify(missing)}`, {
        column: missing,
      });
    }
  }
  const columns = tree ? Object.keys(tree) : undefined;
  const reshape = tree && !isTopLevelOnly(tree);
  let rowsRead = 0;
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    signal?.throwIfAborted();
    let rows: ProfileRow[];
    try {
      rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, ...(columns ? { columns } : {}) });
    } catch (cause) {
      if (cause instanceof ExportJobsError) throw cause;
      const why = `row group at row ${rowStart} cannot be read: ${(cause as Error).message}`;
      throw new ProfileReadError('corrupt', name, why, { rowsRead, cause });
    }
    for (const row of rows) {
      const shaped = reshape ? (project(row, tree) as ProfileRow) : row;
      yield extra ? { ...extra, ...shaped } : shaped;
      rowsRead += 1;
    }
    rowStart = rowEnd;
  }
}
