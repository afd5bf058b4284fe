/**
 * Rows out of one Parquet file. The work is in `row-groups.ts`, loaded with hyparquet when the
 * first file is read: importing the SDK should not pay for a Parquet reader.
 */
import type { AsyncBuffer } from 'hyparquet';
import type { ProfileRow, ReadProfilesOptions } from './types.js';

export type { ProfileRow, ReadProfilesOptions } from './types.js';

const engine = () => import('./row-groups.js');

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
  options.signal?.throwIfAborted();
  const { parquetRows } = await engine();
  yield* parquetRows(file, name, options, extra);
}
