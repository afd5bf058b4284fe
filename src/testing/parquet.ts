/**
 * Exported files that are real Parquet (snappy, nested columns), encoded by hyparquet-writer and
 * served in pieces: a file is never held whole. Its layout (where each row group starts and ends,
 * and the footer) is found once by encoding it row group by row group and keeping only the
 * offsets and the footer; a range is then served by encoding again the row groups it covers. The
 * encoding is deterministic and a row group's bytes do not depend on the ones before it (the
 * writer is only told where it starts), so the bytes are the same on every request.
 */
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { FileContent } from './bytes.js';
import { makeRow, type ProfileField } from './profile-data.js';

/** One file of an export: which rows of the batch it holds, with which columns, in row groups of what size. */
export interface ParquetFileSpec {
  /** A key naming everything the bytes depend on (batch, name, fields, rows), for the caches. */
  key: string;
  /** The seed of the batch's profiles ({@link profileSeed}). */
  seed: number;
  /** The columns: the profile model projected on the job's fields. */
  model: ProfileField & { kind: 'struct' };
  /** The batch's row number of the file's first row. */
  firstRow: number;
  rows: number;
  rowsPerRowGroup: number;
}

/** Where the pieces of an encoded file lie: row group `g` is `[groups[g], groups[g + 1])`, then the footer. */
interface Layout {
  size: number;
  groups: number[];
  /** The bytes after the last row group: page indexes, footer, magic. */
  tail: Uint8Array;
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
const CREATED_BY = 'aep-export-jobs simulator (hyparquet-writer)';
/** Layouts kept (a few KiB each), most recently used last. */
const LAYOUTS = new Map<string, Layout>();
const MAX_LAYOUTS = 512;
/** Encoded row groups kept, so that a download read in 64 KiB chunks encodes each group once. */
const GROUPS = new Map<string, Uint8Array>();
/** The most bytes of encoded row groups kept, whatever the number of files and downloads. */
export const GROUP_CACHE_BYTES = 32 * 1024 * 1024;
let groupBytes = 0;

/** The Parquet schema of a model: optional fields, lists in the standard three levels (`list`, `element`). */
export function parquetSchema(model: ProfileField & { kind: 'struct' }): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'spark_schema', num_children: Object.keys(model.fields).length }];
  const add = (name: string, field: ProfileField): void => {
    if (field.kind === 'string')
      schema.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    else if (field.kind === 'boolean') schema.push({ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' });
    else if (field.kind === 'list') {
      schema.push({ name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 });
      schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      add('element', field.element);
    } else {
      schema.push({ name, repetition_type: 'OPTIONAL', num_children: Object.keys(field.fields).length });
      for (const [child, value] of Object.entries(field.fields)) add(child, value);
    }
  };
  for (const [name, field] of Object.entries(model.fields)) add(name, field);
  return schema;
}

/** A writer that hands over each row group's bytes as it is flushed, keeping the file offset. */
class PieceWriter extends ByteWriter {
  readonly pieces: Uint8Array[] = [];
  flush(): void {
    this.pieces.push(this.getBytes().slice());
    this.index = 0;
  }
}

function groupRows(spec: ParquetFileSpec, group: number): [number, number] {
  const start = group * spec.rowsPerRowGroup;
  return [start, Math.min(spec.rows, start + spec.rowsPerRowGroup)];
}

function groupCount(spec: ParquetFileSpec): number {
  return Math.ceil(spec.rows / spec.rowsPerRowGroup);
}

/** Writes row group `group` of the file with `writer` (whose offset says where the group starts). */
function writeGroup(parquet: ParquetWriter, spec: ParquetFileSpec, group: number): void {
  const [start, end] = groupRows(spec, group);
  const names = Object.keys(spec.model.fields);
  const columns = names.map(() => new Array<unknown>(end - start));
  for (let row = start; row < end; row += 1) {
    const values = makeRow(spec.seed, spec.firstRow + row, spec.model);
    for (let column = 0; column < names.length; column += 1) columns[column]![row - start] = values[names[column]!];
  }
  const columnData = names.map((name, column) => ({ name, data: columns[column]! }));
  void parquet.write({ columnData, rowGroupSize: end - start });
}

/** The schema as Spark's `StructType` JSON, which Spark keeps in every file it writes (and reads back first). */
function sparkType(field: ProfileField): unknown {
  if (field.kind === 'list') return { type: 'array', elementType: sparkType(field.element), containsNull: true };
  if (field.kind !== 'struct') return field.kind;
  const fields = Object.entries(field.fields).map(([name, child]) => ({
    name,
    type: sparkType(child),
    nullable: true,
    metadata: {},
  }));
  return { type: 'struct', fields };
}

function newWriter(spec: ParquetFileSpec, writer: ByteWriter): ParquetWriter {
  const kvMetadata = [
    { key: 'org.apache.spark.version', value: '3.5.1' },
    { key: 'org.apache.spark.sql.parquet.row.metadata', value: JSON.stringify(sparkType(spec.model)) },
  ];
  // Statistics (min/max per page and chunk) on, as Spark writes them.
  return new ParquetWriter({
    writer,
    schema: parquetSchema(spec.model),
    createdBy: CREATED_BY,
    kvMetadata,
  });
}

/** Encodes the whole file once, keeping only where the pieces lie and the footer. */
function layoutOf(spec: ParquetFileSpec): Layout {
  const known = LAYOUTS.get(spec.key);
  if (known) {
    LAYOUTS.delete(spec.key);
    LAYOUTS.set(spec.key, known);
    return known;
  }
  const writer = new PieceWriter();
  const parquet = newWriter(spec, writer);
  const groups: number[] = [];
  for (let group = 0; group < groupCount(spec); group += 1) {
    groups.push(writer.offset);
    writeGroup(parquet, spec, group);
    // The first piece also holds the leading magic; only the group itself is kept.
    const piece = writer.pieces.pop()!;
    remember(`${spec.key}\n${group}`, group === 0 ? piece.subarray(MAGIC.length) : piece);
  }
  groups.push(writer.offset);
  void parquet.finish();
  const layout: Layout = { size: writer.offset, groups, tail: writer.getBytes().slice() };
  LAYOUTS.set(spec.key, layout);
  if (LAYOUTS.size > MAX_LAYOUTS) LAYOUTS.delete(LAYOUTS.keys().next().value!);
  return layout;
}

function remember(key: string, bytes: Uint8Array): void {
  if (bytes.length > GROUP_CACHE_BYTES) return;
  GROUPS.set(key, bytes);
  groupBytes += bytes.length;
  for (const [oldest, value] of GROUPS) {
    if (groupBytes <= GROUP_CACHE_BYTES) break;
    GROUPS.delete(oldest);
    groupBytes -= value.length;
  }
}

/** Row group `group`'s bytes: from the cache, or encoded again at its place in the file. */
function groupBytesOf(spec: ParquetFileSpec, layout: Layout, group: number): Uint8Array {
  const key = `${spec.key}\n${group}`;
  const cached = GROUPS.get(key);
  if (cached) {
    GROUPS.delete(key);
    GROUPS.set(key, cached);
    return cached;
  }
  const writer = new PieceWriter();
  const parquet = newWriter(spec, writer);
  // Drop the leading magic and start the writer where the group starts in the file.
  writer.index = 0;
  writer.offset = layout.groups[group]!;
  writeGroup(parquet, spec, group);
  const bytes = writer.pieces.pop()!;
  remember(key, bytes);
  return bytes;
}

/** A real Parquet file's content, generated piece by piece on demand. */
export function parquetContent(spec: ParquetFileSpec): FileContent {
  let layout: Layout | undefined;
  const get = () => (layout ??= layoutOf(spec));
  return {
    get size() {
      return get().size;
    },
    read(offset, out) {
      const { groups, tail, size } = get();
      const end = offset + out.length;
      const copy = (piece: Uint8Array, at: number) => {
        const from = Math.max(offset, at);
        const to = Math.min(end, at + piece.length);
        if (from < to) out.set(piece.subarray(from - at, to - at), from - offset);
      };
      copy(MAGIC, 0);
      for (let group = 0; group < groups.length - 1; group += 1) {
        if (groups[group]! < end && groups[group + 1]! > offset) copy(groupBytesOf(spec, get(), group), groups[group]!);
      }
      copy(tail, size - tail.length);
    },
  };
}

/** Forgets every cached layout and row group (the simulator's `reset`). */
export function clearParquetCaches(): void {
  LAYOUTS.clear();
  GROUPS.clear();
  groupBytes = 0;
}
