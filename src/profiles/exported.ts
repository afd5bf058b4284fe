import { fileBuffer, findProfileFiles } from './local.js';
import { readParquetRows, type ProfileRow, type ReadProfilesOptions } from './read.js';

/**
 * The profiles of an export, as rows, from what `downloadBatchFiles` or `exportSegments` wrote:
 * a folder, or a list of Parquet files. A folder of segment folders (`segmentPerBatch`) gives
 * rows that start with `segmentId`, the folder's name. Files are read one row group at a time,
 * so memory holds one row group whatever the size of the export. A file that cannot be read
 * ends the iteration with a {@link ProfileReadError} naming it, after every row before it.
 *
 * @example
 * ```ts
 * await client.exportSegments({ segments: ['seg-1', 'seg-2'], dir: './export', segmentPerBatch: true });
 * for await (const row of readExportedProfiles('./export', { fields: ['_id', 'personalEmail.address'] })) {
 *   console.log(row.segmentId, row._id, row.personalEmail);
 * }
 * ```
 */
export async function* readExportedProfiles(
  source: string | readonly string[],
  options: ReadProfilesOptions = {},
): AsyncGenerator<ProfileRow> {
  options.signal?.throwIfAborted();
  for (const { path, segmentId } of await findProfileFiles(source)) {
    const file = await fileBuffer(path);
    try {
      yield* readParquetRows(file, path, options, segmentId === undefined ? undefined : { segmentId });
    } finally {
      await file.close();
    }
  }
}

/**
 * The CSV columns of an export's rows, read from the schema of its first file: dot paths with
 * structs expanded (`person.name.firstName`), a list or a map one column, `segmentId` first for a
 * folder of segment folders. Unlike the default of `toCsvRows` (the first row's columns),
 * a struct that is null in the first row still gets its columns.
 *
 * @example
 * ```ts
 * const columns = await readProfileColumns('./export');
 * for await (const line of toCsvRows(readExportedProfiles('./export'), columns)) process.stdout.write(line);
 * ```
 */
export async function readProfileColumns(
  source: string | readonly string[],
  options: Pick<ReadProfilesOptions, 'fields'> = {},
): Promise<string[]> {
  const [first] = await findProfileFiles(source);
  const file = await fileBuffer(first!.path);
  try {
    const { fileColumns } = await import('./columns.js');
    const columns = await fileColumns(file, first!.path, options.fields);
    return first!.segmentId === undefined ? columns : ['segmentId', ...columns];
  } finally {
    await file.close();
  }
}
