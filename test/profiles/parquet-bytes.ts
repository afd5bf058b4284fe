/**
 * Parquet files reshaped at the byte level, for the reader's tests. hyparquet-writer only writes
 * DATA_PAGE_V2 pages that start on a row, and DuckDB only breaks a page at 100 MB: neither writes
 * what Spark (parquet-mr) does, DATA_PAGE V1 pages of about 1 MiB next to a dictionary page, and
 * V1 pages may break inside a row (older parquet-mr writers did). {@link splitPages} rewrites any
 * file that way, and {@link rebuildFile} / {@link withFooter} let a test play a file that lies
 * about its pages or its row groups.
 *
 * The file is rebuilt, not patched in place: a page header or a footer is Thrift compact, where a
 * number takes as many bytes as its value needs, so changing one moves every offset after it. The
 * pages and the footer are decoded with hyparquet, edited as objects and written again with
 * hyparquet-writer's own serialisers, and the column chunk offsets in the footer recomputed.
 */
import { parquetMetadata, parquetSchema } from 'hyparquet';
import type {
  ColumnChunk,
  ColumnMetaData,
  DecodedArray,
  Encoding,
  FileMetaData,
  PageHeader,
  RowGroup,
} from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js';
import { ByteWriter } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { writePlain } from 'hyparquet-writer/src/plain.js';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';

const MAGIC = 0x31524150;
// hyparquet-writer is typed against its own (older) hyparquet: the same shapes, fewer enum members.
type WriterPageHeader = Parameters<typeof writePageHeader>[1];
type WriterMetadata = Parameters<typeof writeMetadata>[1];

/** One page of a column chunk: its header, and its body as stored (compressed). */
export interface Page {
  header: PageHeader;
  body: Uint8Array;
}

/** Where a chunk sits in the file: `[start, end)`, its dictionary page (if any) first. */
export function chunkRange(meta: ColumnMetaData): [number, number] {
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return [start, start + Number(meta.total_compressed_size)];
}

export function metadataOf(file: Uint8Array): FileMetaData {
  return parquetMetadata(file.slice().buffer);
}

/** The pages of a column chunk, as the file stores them. */
export function pagesOf(file: Uint8Array, meta: ColumnMetaData): Page[] {
  const [start, end] = chunkRange(meta);
  const reader = { view: new DataView(file.buffer, file.byteOffset + start, end - start), offset: 0 };
  const pages: Page[] = [];
  while (reader.offset < end - start) {
    const header = parquetHeader(reader);
    const at = start + reader.offset;
    pages.push({ header, body: file.subarray(at, at + header.compressed_page_size) });
    reader.offset += header.compressed_page_size;
  }
  return pages;
}

/** What a chunk editor sees: the chunk's place in the file, its metadata and its pages. */
export interface ChunkContext {
  group: number;
  column: number;
  meta: ColumnMetaData;
  pages: Page[];
}

/**
 * The file written again with every column chunk's pages replaced by `edit`'s (the same pages when
 * it returns them unchanged), the footer's offsets and sizes recomputed, then `footer` applied to
 * the new footer. Page indexes, bloom filters and statistics are dropped: they would point into
 * the old layout.
 */
export function rebuildFile(
  file: Uint8Array,
  edit: (chunk: ChunkContext) => Page[],
  footer: (metadata: FileMetaData) => void = () => {},
): Uint8Array {
  const metadata = metadataOf(file);
  const out = new ByteWriter();
  out.appendUint32(MAGIC);
  const row_groups = metadata.row_groups.map((group, groupIndex): RowGroup => {
    const groupStart = out.offset;
    const columns = group.columns.map((chunk, columnIndex): ColumnChunk => {
      const meta = chunk.meta_data!;
      const pages = edit({ group: groupIndex, column: columnIndex, meta, pages: pagesOf(file, meta) });
      const chunkStart = out.offset;
      let dictionary: bigint | undefined;
      let data: bigint | undefined;
      let uncompressed = 0;
      for (const { header, body } of pages) {
        if (header.type === 'DICTIONARY_PAGE') dictionary ??= BigInt(out.offset);
        else data ??= BigInt(out.offset);
        const headerStart = out.offset;
        writePageHeader(out, header as WriterPageHeader);
        uncompressed += out.offset - headerStart + header.uncompressed_page_size;
        out.appendBytes(body);
      }
      const encodings = [
        ...new Set(
          pages.map(
            ({ header }) =>
              (header.data_page_header ?? header.data_page_header_v2 ?? header.dictionary_page_header)!.encoding,
          ),
        ),
      ];
      return {
        file_offset: BigInt(chunkStart),
        meta_data: {
          ...meta,
          encodings: encodings.length ? encodings : meta.encodings,
          data_page_offset: data ?? BigInt(chunkStart),
          dictionary_page_offset: dictionary,
          index_page_offset: undefined,
          total_compressed_size: BigInt(out.offset - chunkStart),
          total_uncompressed_size: BigInt(uncompressed),
          statistics: undefined,
          encoding_stats: undefined,
          bloom_filter_offset: undefined,
          bloom_filter_length: undefined,
        },
      };
    });
    return {
      ...group,
      columns,
      file_offset: BigInt(groupStart),
      total_compressed_size: BigInt(out.offset - groupStart),
    };
  });
  const rebuilt: FileMetaData = { ...metadata, row_groups };
  footer(rebuilt);
  writeMetadata(out, rebuilt as WriterMetadata);
  out.appendUint32(MAGIC);
  return out.getBytes().slice();
}

/**
 * The same data bytes under a footer edited by `edit` (row counts, offsets): only the footer is
 * written again, so every offset the edit leaves alone still points where it did.
 */
export function withFooter(file: Uint8Array, edit: (metadata: FileMetaData) => void): Uint8Array {
  const footerLength = new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true);
  const metadata = metadataOf(file);
  for (const group of metadata.row_groups) for (const chunk of group.columns) delete chunk.meta_data?.statistics;
  edit(metadata);
  const out = new ByteWriter();
  out.appendBytes(file.subarray(0, file.length - 8 - footerLength));
  writeMetadata(out, metadata as WriterMetadata);
  out.appendUint32(MAGIC);
  return out.getBytes().slice();
}

/** `target.push(...source)` without the argument limit of a spread. */
function append(target: unknown[], source: ArrayLike<unknown>): void {
  for (let index = 0; index < source.length; index += 1) target.push(source[index]);
}

function levelBytes(out: ByteWriter, levels: number[], max: number): void {
  const body = new ByteWriter();
  writeRleBitPackedHybrid(body, levels, Math.ceil(Math.log2(max + 1)));
  out.appendUint32(body.offset);
  out.appendBytes(body.getBytes());
}

/**
 * The file with each column chunk's data pages replaced by DATA_PAGE V1 pages (as Spark writes)
 * holding the same entries, broken where `cut(entries, chunk)` says: entry positions in the chunk,
 * which need not fall on a row, so that a row's list may go on over the next page. The dictionary
 * page is kept as it is and the values stay dictionary indexes where they were.
 *
 * `required` names leaf columns (dot paths) to make REQUIRED, as Spark writes a non-nullable
 * field (DuckDB writes every column OPTIONAL, NOT NULL or not): their entries lose the leaf's
 * definition level, so none may be a null of the leaf itself.
 */
export function splitPages(
  file: Uint8Array,
  cut: (entries: number, chunk: ChunkContext) => number[],
  { required = [] }: { required?: readonly string[] } = {},
): Uint8Array {
  const schema = parquetSchema(metadataOf(file));
  const makeRequired = (metadata: FileMetaData) => {
    const tree = parquetSchema(metadata);
    for (const path of required) getTreePath(tree, path.split('.')).at(-1)!.element.repetition_type = 'REQUIRED';
  };
  return rebuildFile(
    file,
    (chunk) => splitChunk(schema, chunk, cut, required.includes(chunk.meta.path_in_schema.join('.'))),
    makeRequired,
  );
}

function splitChunk(
  schema: ReturnType<typeof parquetSchema>,
  chunk: ChunkContext,
  cut: (entries: number, chunk: ChunkContext) => number[],
  toRequired: boolean,
): Page[] {
  const { meta, pages } = chunk;
  const schemaPath = getTreePath(schema, meta.path_in_schema);
  const element = schemaPath[schemaPath.length - 1]!.element;
  const decoder = {
    pathInSchema: meta.path_in_schema,
    element,
    schemaPath,
    type: meta.type,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
  };
  let maxDefinition = getMaxDefinitionLevel(schemaPath);
  const maxRepetition = getMaxRepetitionLevel(schemaPath);
  const definitions: number[] = [];
  const repetitions: number[] = [];
  const values: unknown[] = [];
  let encoding: Encoding | undefined;
  const out: Page[] = [];
  for (const { header, body } of pages) {
    if (header.type === 'DICTIONARY_PAGE') {
      out.push({ header, body });
      continue;
    }
    let page;
    let pageEncoding: Encoding;
    let entries: number;
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      page = readDataPage(decompressPage(body, header.uncompressed_page_size, meta.codec, undefined), daph, decoder);
      pageEncoding = daph.encoding;
      entries = daph.num_values;
    } else if (header.type === 'DATA_PAGE_V2') {
      page = readDataPageV2(body, header, decoder);
      pageEncoding = header.data_page_header_v2!.encoding;
      entries = header.data_page_header_v2!.num_values;
    } else continue;
    // Dictionary indexes stay indexes; anything else is decoded, so it is written again as PLAIN.
    const dictionary = pageEncoding.endsWith('_DICTIONARY');
    const wanted: Encoding = dictionary ? pageEncoding : 'PLAIN';
    if (encoding !== undefined && encoding !== wanted)
      throw new Error(`${meta.path_in_schema.join('.')} mixes ${encoding} and ${wanted} pages`);
    encoding = wanted;
    const defs = page.definitionLevels?.length ? page.definitionLevels : new Array<number>(entries).fill(maxDefinition);
    if (maxDefinition) append(definitions, defs);
    if (maxRepetition) append(repetitions, page.repetitionLevels);
    append(values, page.dataPage);
  }
  const total = maxDefinition ? definitions.length : maxRepetition ? repetitions.length : values.length;
  if (toRequired) {
    if (definitions.includes(maxDefinition - 1))
      throw new Error(`${meta.path_in_schema.join('.')} holds nulls: it cannot be REQUIRED`);
    for (let index = 0; index < definitions.length; index += 1)
      if (definitions[index] === maxDefinition) definitions[index] = maxDefinition - 1;
    maxDefinition -= 1;
  }
  const cuts = [...new Set(cut(total, chunk).filter((at) => at > 0 && at < total))].sort((a, b) => a - b);
  let from = 0;
  let valueAt = 0;
  for (const to of [...cuts, total]) {
    const body = new ByteWriter();
    if (maxRepetition) levelBytes(body, repetitions.slice(from, to), maxRepetition);
    let count = to - from;
    if (maxDefinition) {
      const defs = definitions.slice(from, to);
      levelBytes(body, defs, maxDefinition);
      count = defs.filter((level) => level === maxDefinition).length;
    }
    const pageValues = values.slice(valueAt, valueAt + count);
    valueAt += count;
    if (encoding?.endsWith('_DICTIONARY')) {
      let largest = 0;
      for (const index of pageValues as number[]) largest = Math.max(largest, index);
      const bitWidth = Math.max(1, Math.ceil(Math.log2(largest + 1)));
      body.appendUint8(bitWidth);
      writeRleBitPackedHybrid(body, pageValues as number[], bitWidth);
    } else {
      writePlain(body, pageValues as DecodedArray, meta.type, element.type_length);
    }
    const raw = body.getBytes();
    let stored: Uint8Array;
    if (meta.codec === 'SNAPPY') stored = snappyCompress(raw);
    else if (meta.codec === 'UNCOMPRESSED') stored = raw.slice();
    else throw new Error(`cannot write ${meta.codec} pages`);
    out.push({
      header: {
        type: 'DATA_PAGE',
        uncompressed_page_size: raw.length,
        compressed_page_size: stored.length,
        data_page_header: {
          num_values: to - from,
          encoding: encoding ?? 'PLAIN',
          definition_level_encoding: 'RLE',
          repetition_level_encoding: 'RLE',
        },
      },
      body: stored,
    });
    from = to;
  }
  return out;
}

/** Cut points every `size` entries, and at a few random places besides. */
export function cutEvery(size: number, random: () => number = Math.random): (entries: number) => number[] {
  return (entries) => {
    const cuts: number[] = [];
    for (let at = size; at < entries; at += size) cuts.push(at);
    for (let extra = 0; extra < 3; extra += 1) cuts.push(1 + Math.floor(random() * Math.max(1, entries - 1)));
    return cuts;
  };
}
