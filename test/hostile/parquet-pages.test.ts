/**
 * Promise: a Parquet file that lies about its pages or its row groups cannot make the profile
 * reader allocate what it claims, hang, or hand out made-up rows. Whatever the lie (a page header
 * claiming gigabytes or 2^30 entries, pages running past their column chunk, a row group claiming
 * more rows than its columns hold, a column holding more values than its row group's rows, a
 * column chunk outside the file), the iteration ends quickly with a `ProfileReadError`
 * (`problem: 'corrupt'`) naming the file, after every row before the lie, with `rowsRead` saying
 * how many, and memory grows by a few MiB, not by the claim.
 *
 * The attacker's files are real ones (hyparquet-writer, three row groups of 100, 100 and 150 rows,
 * several pages per column chunk, dictionary pages) with one lie each in the second row group,
 * written as hyparquet-writer writes them (DATA_PAGE_V2) and as Spark does (DATA_PAGE V1). Lies
 * are told by rebuilding the file from its decoded pages and footer (test/profiles/parquet-bytes.ts)
 * rather than by patching bytes in place: page headers and the footer are Thrift compact, where a
 * number's width depends on its value, so a bigger claim moves every offset after it.
 */
import { open, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileReadError, readExportedProfiles } from '../../src/profiles/index.js';
import { MAX_PAGE_BYTES, MAX_PAGE_ENTRIES } from '../../src/profiles/column-cursor.js';
import { MAX_FOOTER_BYTES } from '../../src/profiles/row-groups.js';
import { tempDir } from '../profiles/helpers.js';
import { peakGrowth } from '../helpers/memory.js';
import {
  cutEvery,
  rebuildFile,
  splitPages,
  withFooter,
  type ChunkContext,
  type Page,
} from '../profiles/parquet-bytes.js';

const MiB = 1024 * 1024;
/** What reading one of these small files may add to memory, whatever it claims. */
const BOUND = 100 * MiB;
/** Reading one takes milliseconds; a reader that tried to honour a claim would take far longer. */
const QUICK_MS = 3_000;

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => ({ dir, remove } = await tempDir()));
afterAll(() => remove());

const GROUPS = [100, 100, 150];
const ROWS = GROUPS.reduce((sum, rows) => sum + rows, 0);
/** The row group every lie is told in: the 100 rows before it must come out first. */
const TARGET = 1;
const BEFORE = GROUPS[0]!;

const ids = Array.from({ length: ROWS }, (_, index) => index);
const honest = new Uint8Array(
  parquetWriteBuffer({
    rowGroupSize: GROUPS,
    pageSize: 200,
    schema: [
      { name: 'spark_schema', num_children: 4 },
      { name: 'id', repetition_type: 'REQUIRED', type: 'INT32' },
      { name: 'name', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'person', repetition_type: 'OPTIONAL', num_children: 1 },
      { name: 'email', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    ],
    columnData: [
      { name: 'id', data: ids },
      { name: 'name', data: ids.map((id) => (id % 7 ? `name-${id % 10}` : null)) },
      { name: 'person', data: ids.map((id) => (id % 5 ? { email: `p${id}@example.com` } : null)) },
      { name: 'tags', data: ids.map((id) => (id % 6 ? Array.from({ length: id % 4 }, (_, k) => `t${k}`) : null)) },
    ],
  }),
);
const FILES = {
  'DATA_PAGE_V2, as hyparquet-writer writes': honest,
  'DATA_PAGE V1, as Spark writes': splitPages(
    honest,
    cutEvery(40, () => 0.5),
  ),
};
let expectedRows: Array<Record<string, unknown>>;
beforeAll(async () => {
  const bytes = honest;
  expectedRows = await parquetReadObjects({
    file: { byteLength: bytes.length, slice: (start, end) => bytes.slice(start, end).buffer },
  });
});

/** The file with `edit` applied to the pages of `column` in the target row group. */
function withPages(bytes: Uint8Array, column: string, edit: (pages: Page[]) => void): Uint8Array {
  return rebuildFile(bytes, ({ group, meta, pages }: ChunkContext) => {
    if (group !== TARGET || meta.path_in_schema.join('.') !== column) return pages;
    const copy = pages.map(({ header, body }) => ({ header: structuredClone(header), body }));
    edit(copy);
    return copy;
  });
}

const firstData = (pages: Page[]) => pages.find(({ header }) => header.type !== 'DICTIONARY_PAGE')!;
const entriesOf = (page: Page) => (page.header.data_page_header ?? page.header.data_page_header_v2)!;

/**
 * The largest length anything asked `new Uint8Array(n)`, `new ArrayBuffer(n)` or `new Array(n)`
 * for while `call` ran. Memory figures alone cannot show a claim was not honoured: a 2 GB
 * `Uint8Array` is zeroed pages the OS only maps when written, and a decoder that fails on the
 * first bytes frees it before a sampler runs.
 */
async function largestAllocation(call: () => Promise<void>): Promise<{ error: unknown; largest: number }> {
  const globals = globalThis as unknown as Record<'Uint8Array' | 'ArrayBuffer' | 'Array', unknown>;
  const originals = { Uint8Array, ArrayBuffer, Array };
  let largest = 0;
  for (const name of Object.keys(originals) as Array<keyof typeof originals>) {
    globals[name] = new Proxy(originals[name], {
      construct(target, args: unknown[], newTarget) {
        if (typeof args[0] === 'number') largest = Math.max(largest, args[0]);
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  }
  try {
    await call();
    return { error: undefined, largest };
  } catch (error) {
    return { error, largest };
  } finally {
    Object.assign(globals, originals);
  }
}

/** Reads `bytes` as an exported file: the rows it gave, how it ended, and what it cost. */
async function attack(name: string, bytes: Uint8Array) {
  const path = join(dir, `${name.replace(/\W+/g, '-')}.parquet`);
  await writeFile(path, bytes);
  const rows: Array<Record<string, unknown>> = [];
  const started = performance.now();
  const { outcome, rss, arrayBuffers } = await peakGrowth(() =>
    largestAllocation(async () => {
      for await (const row of readExportedProfiles([path])) rows.push(row);
    }),
  );
  const { error, largest } = outcome as Awaited<ReturnType<typeof largestAllocation>>;
  return { path, rows, error, ms: performance.now() - started, largest, rss, arrayBuffers };
}

type Outcome = Awaited<ReturnType<typeof attack>>;

/** What every lie must end in; `valid` is how many of the rows given must be the file's true rows. */
function expectRefused(outcome: Outcome, valid: number, why: RegExp): void {
  const { path, rows, error } = outcome;
  expect(outcome.largest).toBeLessThan(BOUND);
  expect(outcome.arrayBuffers).toBeLessThan(BOUND);
  expect(outcome.rss).toBeLessThan(BOUND);
  expect(outcome.ms).toBeLessThan(QUICK_MS);
  expect(error).toBeInstanceOf(ProfileReadError);
  const refused = error as ProfileReadError;
  expect(refused).toMatchObject({ problem: 'corrupt', file: path, rowsRead: rows.length });
  expect(refused.message).toContain(path);
  expect(refused.message).toMatch(why);
  expect(rows.length).toBeGreaterThanOrEqual(valid);
  expect(rows.slice(0, valid)).toStrictEqual(expectedRows.slice(0, valid));
}

describe.each(Object.entries(FILES))('a file in %s pages', (kind, bytes) => {
  it('is read whole when it does not lie (the baseline every attack below starts from)', async () => {
    const outcome = await attack(`honest ${kind}`, bytes);
    expect(outcome.error).toBeUndefined();
    expect(outcome.rows).toStrictEqual(expectedRows);
  });

  it('whose dictionary page claims 2 GB decompressed is refused without allocating it', async () => {
    const outcome = await attack(
      `dictionary bomb ${kind}`,
      withPages(bytes, 'name', (pages) => {
        expect(pages[0]!.header.type).toBe('DICTIONARY_PAGE');
        pages[0]!.header.uncompressed_page_size = 2_000_000_000;
      }),
    );
    expectRefused(outcome, BEFORE, new RegExp(`page of 2000000000 bytes \\(the limit is ${MAX_PAGE_BYTES}\\)`));
    expect(outcome.rows).toHaveLength(BEFORE);
  });

  it('whose data page claims 2 GB decompressed is refused without allocating it', async () => {
    const outcome = await attack(
      `page bomb ${kind}`,
      withPages(bytes, 'person.email', (pages) => {
        firstData(pages).header.uncompressed_page_size = 2_000_000_000;
      }),
    );
    expectRefused(outcome, BEFORE, /page of 2000000000 bytes/);
    expect(outcome.rows).toHaveLength(BEFORE);
  });

  it('whose data page claims 2^30 entries is refused without allocating levels for them', async () => {
    const outcome = await attack(
      `entries bomb ${kind}`,
      withPages(bytes, 'tags.list.element', (pages) => {
        entriesOf(firstData(pages)).num_values = 2 ** 30;
      }),
    );
    expectRefused(outcome, BEFORE, new RegExp(`page of ${2 ** 30} values \\(the limit is ${MAX_PAGE_ENTRIES}\\)`));
    expect(outcome.rows).toHaveLength(BEFORE);
  });

  it('whose last page runs past the end of its column chunk is refused, after the rows of the pages before', async () => {
    const outcome = await attack(
      `page past chunk ${kind}`,
      withPages(bytes, 'id', (pages) => {
        pages.at(-1)!.header.compressed_page_size += 10_000;
      }),
    );
    expectRefused(outcome, outcome.rows.length, /page that runs past the end of its column chunk/);
    // Every row before the bad page came out, and only those: the group's first pages were good.
    expect(outcome.rows.length).toBeGreaterThan(BEFORE);
    expect(outcome.rows.length).toBeLessThan(BEFORE + GROUPS[TARGET]!);
  });
});

/** The honest file under a footer edited by `edit`, its data bytes untouched. */
const lying = (edit: (metadata: FileMetaData) => void) => withFooter(honest, edit);

describe('a file whose footer lies', () => {
  it('claiming a row group holds 2^40 rows, more than its columns hold, is refused after the rows they do hold', async () => {
    const outcome = await attack(
      'more rows than values',
      lying((metadata) => {
        metadata.row_groups[TARGET]!.num_rows = 2n ** 40n;
        metadata.num_rows += 2n ** 40n;
      }),
    );
    expectRefused(outcome, BEFORE + GROUPS[TARGET]!, /has fewer values in \S+ than rows/);
    expect(outcome.rows).toHaveLength(BEFORE + GROUPS[TARGET]!);
  });

  it('claiming a row group holds fewer rows than its columns hold is refused after those rows', async () => {
    const outcome = await attack(
      'fewer rows than values',
      lying((metadata) => {
        metadata.row_groups[TARGET]!.num_rows = 60n;
      }),
    );
    expectRefused(outcome, BEFORE + 60, /has more values in \S+ than its 60 rows/);
    expect(outcome.rows).toHaveLength(BEFORE + 60);
  });

  it('giving one column of a row group a chunk with more values than its rows is refused', async () => {
    // The column chunk of `tags` of the last row group (150 rows) in place of the target's (100).
    const outcome = await attack(
      'a column with more values',
      lying((metadata) => {
        const column = (group: number) =>
          metadata.row_groups[group]!.columns.find(({ meta_data }) => meta_data?.path_in_schema[0] === 'tags')!;
        column(TARGET).meta_data = structuredClone(column(2).meta_data);
      }),
    );
    expectRefused(outcome, BEFORE, /has more values in tags\.list\.element than its 100 rows/);
    expect(outcome.rows).toHaveLength(BEFORE + GROUPS[TARGET]!);
  });

  it('claiming a footer of hundreds of MiB (in a sparse file that large) is refused without reading it', async () => {
    // The footer's length is in the last 8 bytes; the file is as large as the claim, so that the
    // claim is not merely "cut short": only a limit stops the reader from taking it.
    const path = join(dir, 'huge-footer.parquet');
    const claim = 4 * MAX_FOOTER_BYTES;
    await writeFile(path, honest.subarray(0, 4));
    await truncate(path, claim + 64);
    const tail = new Uint8Array(8);
    new DataView(tail.buffer).setUint32(0, claim, true);
    tail.set(honest.subarray(honest.length - 4), 4);
    const handle = await open(path, 'r+');
    await handle.write(tail, 0, 8, claim + 56);
    await handle.close();
    const { outcome } = await peakGrowth(() =>
      largestAllocation(async () => {
        for await (const row of readExportedProfiles([path])) expect(row).toBeUndefined();
      }),
    );
    const { error, largest } = outcome as Awaited<ReturnType<typeof largestAllocation>>;
    expect(largest).toBeLessThan(BOUND);
    expect(error).toBeInstanceOf(ProfileReadError);
    expect(error).toMatchObject({ problem: 'corrupt', file: path, rowsRead: 0 });
    expect((error as Error).message).toMatch(/the footer says \d+ bytes \(the limit is \d+/);
  });

  it.each([
    ['starting past the end of the file', (size: number) => ({ data_page_offset: BigInt(size + 1_000_000) })],
    ['starting inside the magic', () => ({ data_page_offset: 1n })],
    ['claiming a terabyte', () => ({ total_compressed_size: 2n ** 40n })],
  ])('pointing a column chunk outside the file (%s) is refused without reading it', async (_, claim) => {
    const outcome = await attack(
      `chunk outside ${_}`,
      lying((metadata) => {
        const meta = metadata.row_groups[TARGET]!.columns[1]!.meta_data!;
        Object.assign(meta, { dictionary_page_offset: undefined }, claim(honest.length));
      }),
    );
    expectRefused(outcome, BEFORE, /the column chunk of name \(bytes -?\d+-\d+\) lies outside the file's \d+ bytes/);
    expect(outcome.rows).toHaveLength(BEFORE);
  });
});
