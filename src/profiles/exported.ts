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
