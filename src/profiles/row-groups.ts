/**
 * The Parquet side of the profile readers, loaded when the first file is read (importing the SDK
 * should not pay for hyparquet). A file is read footer first (checked, so that a file that is not
 * Parquet or was cut short is named as such), then one row group at a time: the compressed column
 * chunks the fields need (the next group's fetched while this one is read), and rows assembled one
 * by one as they are asked for. Memory holds a row group's compressed chunks and one decoded page
 * per column, never the file.
 */
import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, ColumnMetaData, FileMetaData, RowGroup, SchemaTree } from 'hyparquet';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import { ExportJobsError } from '../errors/export-jobs-error.js';
import { rowAssembler, type LeafColumn, type RowAssembler } from './assemble.js';
import { ColumnCursor, PageLimitError } from './column-cursor.js';
import { ProfileReadError } from './errors.js';
import { fieldTree, isTopLevelOnly, missingField, project } from './fields.js';
import type { ProfileRow, ReadProfilesOptions } from './types.js';

const MAGIC = 'PAR1';
/**
 * The next row group is fetched while this one is read when it needs at most this many compressed
 * bytes: overlap for the row groups of Spark's usual size, and no second large group in memory
 * for files written with very large ones.
 */
const AHEAD_BYTES = 32 * 1024 * 1024;
/** The largest footer read: it is read whole before anything in it can be checked. */
export const MAX_FOOTER_BYTES = 64 * 1024 * 1024;
/** Column chunks closer than this are fetched in one read (one ranged GET over Data Access). */
const GAP_BYTES = 64 * 1024;
const text = (buffer: ArrayBuffer) => new TextDecoder().decode(buffer);

/**
 * Checks the magic at both ends before hyparquet reads anything, for errors that say what is
 * wrong; the footer's length.
 */
async function checkShape(file: AsyncBuffer, name: string): Promise<number> {
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
  if (footer > MAX_FOOTER_BYTES) {
    const why = `the footer says ${footer} bytes (the limit is ${MAX_FOOTER_BYTES}; Spark's are a few KiB to a few MiB)`;
    throw new ProfileReadError('corrupt', name, why);
  }
  return footer;
}

export async function metadataOf(file: AsyncBuffer, name: string): Promise<FileMetaData> {
  const footer = await checkShape(file, name);
  try {
    // The footer alone: hyparquet's default first read is the file's last 512 KiB, column chunks
    // included, which over Data Access is a ranged GET of data the fields may not need.
    return await parquetMetadataAsync(file, { initialFetchSize: footer + 8 });
  } catch (cause) {
    // The SDK's own errors (a Data Access read that failed) are not about the file's content.
    if (cause instanceof ExportJobsError) throw cause;
    throw new ProfileReadError('corrupt', name, `the Parquet footer cannot be read: ${(cause as Error).message}`, {
      cause,
    });
  }
}

interface Chunk {
  leaf: LeafColumn;
  meta: ColumnMetaData;
  start: number;
  end: number;
}

/** The column chunks of `group` that `leaves` need, checked to lie inside the file. */
function chunksOf(group: RowGroup, leaves: LeafColumn[], size: number): Chunk[] {
  return leaves.map((leaf) => {
    const path = leaf.path.join('.');
    const column = group.columns.find((candidate) => candidate.meta_data?.path_in_schema.join('.') === path);
    const meta = column?.meta_data;
    if (!meta) throw new Error(`the row group has no column chunk for ${path}`);
    if (column.file_path) throw new Error(`the column chunk of ${path} is in another file (${column.file_path})`);
    const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
    const end = start + Number(meta.total_compressed_size);
    if (!(start >= 4 && end <= size && start <= end))
      throw new Error(`the column chunk of ${path} (bytes ${start}-${end}) lies outside the file's ${size} bytes`);
    return { leaf, meta, start, end };
  });
}

/** The bytes of each chunk, fetched in as few reads as the gaps between them allow. */
async function fetchChunks(file: AsyncBuffer, chunks: Chunk[]): Promise<Uint8Array[]> {
  const order = chunks.map((_, index) => index).sort((a, b) => chunks[a]!.start - chunks[b]!.start);
  const out = new Array<Uint8Array>(chunks.length);
  const reads: Promise<void>[] = [];
  for (let at = 0; at < order.length;) {
    const run = [order[at]!];
    let end = chunks[order[at]!]!.end;
    for (at += 1; at < order.length && chunks[order[at]!]!.start - end <= GAP_BYTES; at += 1) {
      run.push(order[at]!);
      end = Math.max(end, chunks[order[at]!]!.end);
    }
    const start = chunks[run[0]!]!.start;
    reads.push(
      Promise.resolve(file.slice(start, end)).then((buffer) => {
        const bytes = new Uint8Array(buffer);
        if (bytes.length < end - start) throw new Error(`bytes ${start}-${end} read short (${bytes.length})`);
        for (const index of run) out[index] = bytes.subarray(chunks[index]!.start - start, chunks[index]!.end - start);
      }),
    );
  }
  await Promise.all(reads);
  return out;
}

function cursorsFor(schema: SchemaTree, chunks: Chunk[], bytes: Uint8Array[]): void {
  chunks.forEach(({ leaf, meta }, index) => {
    const schemaPath = getTreePath(schema, meta.path_in_schema);
    const decoder = {
      pathInSchema: meta.path_in_schema,
      element: schemaPath[schemaPath.length - 1]!.element,
      schemaPath,
      type: meta.type,
      codec: meta.codec,
      parsers: DEFAULT_PARSERS,
    };
    leaf.cursor = new ColumnCursor(bytes[index]!, decoder, leaf.maxDefinition);
  });
}

/** The failure of a row group as the error a caller sees: the SDK's own pass through, the rest name the file. */
function groupError(cause: unknown, name: string, rowStart: number, rowsRead: number): Error {
  if (cause instanceof ExportJobsError) return cause;
  const why = cause instanceof PageLimitError ? cause.message : `cannot be read: ${(cause as Error).message}`;
  return new ProfileReadError('corrupt', name, `row group at row ${rowStart} ${why}`, { rowsRead, cause });
}

async function* assembledRows(
  file: AsyncBuffer,
  name: string,
  metadata: FileMetaData,
  schema: SchemaTree,
  assembler: RowAssembler,
  options: ReadProfilesOptions,
  extra: ProfileRow | undefined,
): AsyncGenerator<ProfileRow> {
  const { signal } = options;
  const groups = metadata.row_groups;
  const fetchGroup = (index: number) => {
    const pending = (async () => {
      const chunks = chunksOf(groups[index]!, assembler.leaves, file.byteLength);
      return { chunks, bytes: await fetchChunks(file, chunks) };
    })();
    // A group fetched ahead whose reader then stops must not reject unhandled.
    pending.catch(() => {});
    return pending;
  };
  /** The compressed bytes group `index` needs; past a bad footer's claims, more than any bound. */
  const neededBytes = (index: number) => {
    try {
      return chunksOf(groups[index]!, assembler.leaves, file.byteLength).reduce((sum, c) => sum + c.end - c.start, 0);
    } catch {
      return Infinity;
    }
  };
  let rowsRead = 0;
  let rowStart = 0;
  let ahead: ReturnType<typeof fetchGroup> | undefined;
  for (let index = 0; index < groups.length; index += 1) {
    signal?.throwIfAborted();
    const rows = Number(groups[index]!.num_rows);
    try {
      const { chunks, bytes } = await (ahead ?? fetchGroup(index));
      ahead = index + 1 < groups.length && neededBytes(index + 1) <= AHEAD_BYTES ? fetchGroup(index + 1) : undefined;
      cursorsFor(schema, chunks, bytes);
    } catch (cause) {
      throw groupError(cause, name, rowStart, rowsRead);
    }
    for (let row = 0; row < rows; row += 1) {
      let out: ProfileRow;
      try {
        out = assembler.readRow(extra ? { ...extra } : {});
      } catch (cause) {
        throw groupError(cause, name, rowStart, rowsRead);
      }
      yield out;
      rowsRead += 1;
    }
    const extraValues = assembler.leaves.find((leaf) => !leaf.cursor!.atEnd());
    if (extraValues) {
      const why = `has more values in ${extraValues.path.join('.')} than its ${rows} rows`;
      throw groupError(new PageLimitError(why), name, rowStart, rowsRead);
    }
    for (const leaf of assembler.leaves) delete leaf.cursor;
    rowStart += rows;
  }
}

/** Shapes only hyparquet assembles (a bare repeated field, a `VARIANT`): its object reader, a row group at a time. */
async function* objectRows(
  file: AsyncBuffer,
  name: string,
  metadata: FileMetaData,
  options: ReadProfilesOptions,
  extra: ProfileRow | undefined,
): AsyncGenerator<ProfileRow> {
  const tree = options.fields ? fieldTree(options.fields) : undefined;
  const columns = tree ? Object.keys(tree) : undefined;
  const reshape = tree && !isTopLevelOnly(tree);
  let rowsRead = 0;
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    options.signal?.throwIfAborted();
    let rows: ProfileRow[];
    try {
      rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, ...(columns ? { columns } : {}) });
    } catch (cause) {
      throw groupError(cause, name, rowStart, rowsRead);
    }
    for (const row of rows) {
      const shaped = reshape ? (project(row, tree) as ProfileRow) : row;
      yield extra ? { ...extra, ...shaped } : shaped;
      rowsRead += 1;
    }
    rowStart = rowEnd;
  }
}

/** The rows of one Parquet file, with `extra` fields (the segment) put first in each. */
export async function* parquetRows(
  file: AsyncBuffer,
  name: string,
  options: ReadProfilesOptions,
  extra: ProfileRow | undefined,
): AsyncGenerator<ProfileRow> {
  const metadata = await metadataOf(file, name);
  const schema = parquetSchema(metadata);
  if (options.fields) {
    const missing = missingField(schema, options.fields);
    if (missing !== undefined) {
      throw new ProfileReadError('missing-column', name, `the file has no column ${JSON.stringify(missing)}`, {
        column: missing,
      });
    }
  }
  const assembler = rowAssembler(schema, options.fields ? fieldTree(options.fields) : undefined);
  if (assembler) yield* assembledRows(file, name, metadata, schema, assembler, options, extra);
  else yield* objectRows(file, name, metadata, options, extra);
}
