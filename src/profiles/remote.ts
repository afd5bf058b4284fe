/**
 * Profiles read straight from Data Access, without touching the disk: each Parquet file of a
 * batch is read over `Range` requests through the SDK's transport (auth, retries, checks), the
 * footer first, then one row group's column chunks at a time.
 */
import type { AsyncBuffer } from 'hyparquet';
import { listBatchFiles, readBatchFileRange, type BatchFile } from '../resources/data-access.js';
import type { Transport } from '../internal/http/transport.js';
import type { RequestOptions } from '../options.js';
import { ProfileReadError } from './errors.js';
import { readParquetRows, type ProfileRow, type ReadProfilesOptions } from './read.js';

/** Options of `readBatchProfiles`: the fields and signal of the readers, and the request options. */
export type ReadBatchProfilesOptions = ReadProfilesOptions & Omit<RequestOptions, 'signal'>;

/** A batch file as hyparquet reads it: each slice one ranged GET. */
export function remoteBuffer(
  dataAccess: Transport,
  file: BatchFile,
  size: number,
  settings: RequestOptions,
): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const bytes = await readBatchFileRange(dataAccess, file, start, Math.min(end, size), settings);
      return bytes.buffer as ArrayBuffer;
    },
  };
}

/**
 * The profiles of an exported batch, read from Data Access over `Range` requests. The listing
 * gives each file's size; a file listed without one is refused as `corrupt`.
 *
 * @example
 * ```ts
 * for await (const row of readBatchProfiles(dataAccess, batchId, { fields: ['_id'] })) console.log(row._id);
 * ```
 */
export async function* readBatchProfiles(
  dataAccess: Transport,
  batchId: string,
  options: ReadBatchProfilesOptions = {},
): AsyncGenerator<ProfileRow> {
  const { fields, signal, ...request } = options;
  const settings: RequestOptions = { ...request, ...(signal ? { signal } : {}) };
  const files = (await listBatchFiles(dataAccess, batchId, settings)).filter((file) => file.name.endsWith('.parquet'));
  if (files.length === 0)
    throw new ProfileReadError('no-files', `batch ${batchId}`, 'the batch holds no Parquet files');
  for (const file of files) {
    if (file.length === undefined)
      throw new ProfileReadError('corrupt', file.name, 'the listing gives no size for the file');
    yield* readParquetRows(remoteBuffer(dataAccess, file, file.length, settings), file.name, { fields, signal });
  }
}
