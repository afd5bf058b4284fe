/**
 * One leaf column of one row group, read entry by entry: its pages are decoded by hyparquet one at
 * a time, when the cursor reaches them, so a row group's columns never sit decoded in memory all
 * at once. An entry is one (repetition level, definition level) pair; only entries defined down to
 * the leaf carry a value.
 *
 * These are hyparquet's own modules (`hyparquet/src/*.js`, which its package exports), not its
 * documented API: package.json pins hyparquet to one exact version, and an upgrade is checked by
 * test/profiles-assemble.test.ts.
 */
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import type { DecodedArray } from 'hyparquet';

/** How hyparquet decodes a column's values (its `ColumnDecoder`, which its index does not export). */
export type ColumnDecoder = Parameters<typeof readDataPageV2>[2];

const NO_LEVELS: number[] = [];

/**
 * The most bytes one page may decompress to, and the most entries it may hold. A header is only a
 * claim: a few bytes can claim gigabytes, which decoding would allocate before anything is checked.
 * Spark writes pages of about 1 MiB and 20,000 rows; DuckDB, pages of up to 100 MB.
 */
export const MAX_PAGE_BYTES = 128 * 1024 * 1024;
export const MAX_PAGE_ENTRIES = 16 * 1024 * 1024;

/** A page or column chunk that breaks the file's own claims or the limits above. */
export class PageLimitError extends Error {
  override name = 'PageLimitError';
}

export class ColumnCursor {
  /** Definition levels of the current page; empty when every entry is defined to the leaf. */
  private defs: number[] = NO_LEVELS;
  /** Repetition levels of the current page; empty when the column repeats nowhere. */
  private reps: number[] = NO_LEVELS;
  private values: DecodedArray = NO_LEVELS;
  private dictionary: DecodedArray | undefined;
  /** The current entry in the page, the page's entry count, and the next value. */
  private index = 0;
  private count = 0;
  private valueIndex = 0;
  private readonly reader: { view: DataView; offset: number };
  private readonly decoder: ColumnDecoder;
  private readonly maxDefinition: number;

  constructor(chunk: Uint8Array, decoder: ColumnDecoder, maxDefinition: number) {
    this.decoder = decoder;
    this.maxDefinition = maxDefinition;
    this.reader = { view: new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength), offset: 0 };
  }

  /** The definition level of the current entry (the leaf's maximum when the page stores none). */
  definition(): number {
    if (this.index === this.count && !this.nextPage())
      throw new PageLimitError(`has fewer values in ${this.decoder.pathInSchema.join('.')} than rows`);
    return this.defs.length ? this.defs[this.index]! : this.maxDefinition;
  }

  /** The repetition level of the next entry, or -1 after the last: below a list's level, the list has ended. */
  repetition(): number {
    if (this.index === this.count && !this.nextPage()) return -1;
    return this.reps.length ? this.reps[this.index]! : 0;
  }

  /** Moves past the current entry, which carries no value (a null or an empty list above the leaf). */
  skip(): void {
    // The entry may be the first of a page not yet decoded: a null struct or an empty list is read
    // from its first leaf only, and its other leaves' pages need not break where the first's do.
    if (this.index === this.count && !this.nextPage())
      throw new PageLimitError(`has fewer values in ${this.decoder.pathInSchema.join('.')} than rows`);
    this.index += 1;
  }

  /** The current entry's value, or null when it is not defined down to the leaf. */
  take(): unknown {
    const defined = this.definition() === this.maxDefinition;
    this.index += 1;
    return defined ? this.values[this.valueIndex++] : null;
  }

  /** Whether every entry of the chunk has been read. */
  atEnd(): boolean {
    return this.index === this.count && !this.nextPage();
  }

  /** Decodes the next data page (after a dictionary page, if any); false at the end of the chunk. */
  private nextPage(): boolean {
    const { reader, decoder } = this;
    while (reader.offset < reader.view.byteLength) {
      const header = parquetHeader(reader);
      if (reader.offset + header.compressed_page_size > reader.view.byteLength)
        throw new PageLimitError('has a page that runs past the end of its column chunk');
      const bytes = new Uint8Array(
        reader.view.buffer,
        reader.view.byteOffset + reader.offset,
        header.compressed_page_size,
      );
      reader.offset += header.compressed_page_size;
      if (header.uncompressed_page_size > MAX_PAGE_BYTES)
        throw new PageLimitError(
          `has a page of ${header.uncompressed_page_size} bytes (the limit is ${MAX_PAGE_BYTES})`,
        );
      const entries =
        header.data_page_header?.num_values ??
        header.data_page_header_v2?.num_values ??
        header.dictionary_page_header?.num_values ??
        0;
      if (entries > MAX_PAGE_ENTRIES)
        throw new PageLimitError(`has a page of ${entries} values (the limit is ${MAX_PAGE_ENTRIES})`);
      if (header.type === 'DICTIONARY_PAGE') {
        const page = decompressPage(bytes, header.uncompressed_page_size, decoder.codec, decoder.compressors);
        const view = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
        const count = header.dictionary_page_header!.num_values;
        this.dictionary = convert(readPlain(view, decoder.type, count, decoder.element.type_length), decoder);
        continue;
      }
      let page;
      let encoding;
      if (header.type === 'DATA_PAGE') {
        const daph = header.data_page_header!;
        const raw = decompressPage(bytes, header.uncompressed_page_size, decoder.codec, decoder.compressors);
        page = readDataPage(raw, daph, decoder);
        encoding = daph.encoding;
        this.count = daph.num_values;
      } else if (header.type === 'DATA_PAGE_V2') {
        page = readDataPageV2(bytes, header, decoder);
        encoding = header.data_page_header_v2!.encoding;
        this.count = header.data_page_header_v2!.num_values;
      } else continue; // index pages, which readers may skip
      this.defs = page.definitionLevels ?? NO_LEVELS;
      this.reps = page.repetitionLevels;
      this.values = convertWithDictionary(page.dataPage, this.dictionary, encoding, decoder);
      this.index = 0;
      this.valueIndex = 0;
      if (this.count > 0) return true;
    }
    this.count = this.index = 0;
    return false;
  }
}
