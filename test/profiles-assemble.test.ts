/**
 * The profile reader builds rows itself, one at a time, from the pages of each column
 * (`src/profiles/assemble.ts`, `column-cursor.ts`). hyparquet's own object reader is the
 * reference: whatever a file holds, the SDK's rows must be the rows `parquetReadObjects` gives
 * (same values, same JS types, null at every level, [] and {} for empty lists and maps), cut down
 * by `project()` when fields are given, with the fields in the order given.
 *
 * - Files written by DuckDB (DATA_PAGE V1 pages beside a dictionary page, as Spark writes them),
 *   as written (one page per column chunk) and split into many V1 pages whose breaks fall inside
 *   rows, with some columns made REQUIRED, as Spark writes them.
 * - Random nested schemas and rows (fast-check) written by hyparquet-writer with tiny pages and
 *   random row groups, as V2 pages or split into V1 pages, read whole or with random fields
 *   (odd paths included: into a map's `key_value`, through a list of lists).
 * - Legacy two-level lists (a repeated leaf, a repeated group), read by the assembler or left
 *   to hyparquet, and the schemas the assembler leaves to hyparquet (a bare REPEATED group, a
 *   VARIANT), read the same through the fallback.
 * - Reading some fields fetches only their column chunks.
 *
 * Seeds are not fixed: on failure fast-check prints the seed and the shrunk counterexample.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import {
  asyncBufferFromFile,
  parquetReadObjects,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type SchemaTree,
} from 'hyparquet';
import { decompressPage, readDataPage } from 'hyparquet/src/datapage.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExportedProfiles } from '../src/profiles/index.js';
import { rowAssembler } from '../src/profiles/assemble.js';
import { fieldTree, project } from '../src/profiles/fields.js';
import { readParquetRows } from '../src/profiles/read.js';
import { collect, tempDir } from './profiles/helpers.js';
import { chunkRange, cutEvery, metadataOf, pagesOf, splitPages, withFooter } from './profiles/parquet-bytes.js';

type Row = Record<string, unknown>;

/** Runs of the property; `FUZZ_RUNS=2000 npx vitest run test/profiles-assemble.test.ts` for a deeper search. */
const RUNS = Number(process.env.FUZZ_RUNS) || 300;

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => ({ dir, remove } = await tempDir()));
afterAll(() => remove());

function memoryBuffer(bytes: Uint8Array): AsyncBuffer {
  return { byteLength: bytes.length, slice: (start, end) => bytes.slice(start, end).buffer };
}

async function reference(file: AsyncBuffer): Promise<Row[]> {
  return (await parquetReadObjects({ file })) as Row[];
}

/** What the SDK must give for `fields`: the reference rows cut down as the old reader did. */
function projected(rows: Row[], fields: readonly string[] | undefined): Row[] {
  if (!fields) return rows;
  const tree = fieldTree(fields);
  return rows.map((row) => project(row, tree) as Row);
}

/** JSON that keeps what `toStrictEqual` ignores: the order of keys. */
const keyed = (value: unknown) =>
  JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item));

/** The same rows, types and key order; on a difference, the first row that differs. */
function expectSameRows(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  const first = actual.findIndex((row, index) => keyed(row) !== keyed(expected[index]));
  if (first >= 0) expect({ row: first, value: actual[first] }).toStrictEqual({ row: first, value: expected[first] });
  expect(actual).toStrictEqual(expected);
}

// ---------------------------------------------------------------------------------------------
// Files written by DuckDB

/**
 * XDM-like profiles: nested structs, a list of structs, a list of lists, a list of scalars with
 * null elements, identityMap (a MAP of lists of structs), a MAP of structs, nulls at every level,
 * empty lists and maps, and the scalar types an export holds. `i % k` patterns put each case in
 * every row group.
 */
const PROFILES = `
CREATE TABLE profiles (
  _id VARCHAR NOT NULL,
  seq BIGINT NOT NULL,
  score INTEGER,
  ratio DOUBLE,
  active BOOLEAN,
  born DATE,
  seen TIMESTAMP,
  balance DECIMAL(12, 2),
  person STRUCT(name STRUCT("first" VARCHAR, "last" VARCHAR), age INTEGER),
  identities STRUCT(id VARCHAR, namespace STRUCT(code VARCHAR), "primary" BOOLEAN)[],
  matrix INTEGER[][],
  tags VARCHAR[],
  identityMap MAP(VARCHAR, STRUCT(id VARCHAR, authenticatedState VARCHAR, "primary" BOOLEAN)[]),
  segments MAP(VARCHAR, STRUCT(status VARCHAR, since TIMESTAMP)),
  note VARCHAR,
  small SMALLINT,
  tiny TINYINT,
  ubig UBIGINT,
  real FLOAT,
  wide DECIMAL(38, 6),
  uid UUID,
  raw BLOB,
  tstz TIMESTAMPTZ,
  tod TIME,
  js JSON
);
INSERT INTO profiles SELECT
  'p-' || i,
  i * 1000000007,
  CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 1000)::INTEGER - 500 END,
  CASE WHEN i % 6 = 0 THEN NULL ELSE i / 8.0 END,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END,
  CASE WHEN i % 7 = 0 THEN NULL ELSE DATE '1970-01-01' + (i % 20000)::INTEGER END,
  CASE WHEN i % 8 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01' + to_seconds(i * 37) END,
  CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 7 % 100000) / 100 END,
  CASE WHEN i % 11 = 0 THEN NULL ELSE {
    'name': CASE WHEN i % 7 = 1 THEN NULL
      ELSE {'first': CASE WHEN i % 5 = 1 THEN NULL ELSE 'F' || (i % 300) END, 'last': 'L' || i} END,
    'age': CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 90)::INTEGER END} END,
  CASE i % 9 WHEN 0 THEN NULL WHEN 1 THEN [] WHEN 2 THEN [NULL]
    WHEN 3 THEN [{'id': NULL, 'namespace': NULL, 'primary': NULL}]
    ELSE list_transform(range((i % 4)::BIGINT + 1), k -> CASE WHEN k = 2 THEN NULL ELSE {
      'id': 'id-' || i || '-' || k,
      'namespace': {'code': CASE k WHEN 0 THEN 'ECID' WHEN 1 THEN 'Email' ELSE NULL END},
      'primary': k = 0} END) END,
  CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN [] WHEN 2 THEN [[]] WHEN 3 THEN [NULL, [1, NULL, 3]]
    ELSE [[i::INTEGER], [], [i::INTEGER + 1, i::INTEGER + 2]] END,
  CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN [] WHEN 2 THEN [NULL] ELSE ['t' || (i % 13), NULL, 't' || (i % 17)] END,
  CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN MAP {}
    WHEN 2 THEN MAP {'ECID': NULL, 'Email': []}
    ELSE MAP {
      'ECID': [{'id': 'e-' || i, 'authenticatedState': 'ambiguous', 'primary': true}],
      'Email': [{'id': 'm-' || i || '@example.com', 'authenticatedState': NULL, 'primary': false}, NULL]} END,
  CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN MAP {}
    ELSE MAP {'seg-' || (i % 3): {'status': 'realized', 'since': TIMESTAMP '2024-06-01'}, 'seg-x': NULL} END,
  CASE WHEN i % 4 = 0 THEN NULL ELSE 'note ' || (i % 50) END,
  (i % 1000 - 500)::SMALLINT,
  CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 200 - 100)::TINYINT END,
  i::UBIGINT * 1844674407370955,
  (i / 3)::FLOAT,
  CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1234567.891011 END,
  md5(i::VARCHAR)::UUID,
  ('\\xAA\\x00' || i)::BLOB,
  TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i),
  TIME '00:00:00' + to_seconds(i),
  CASE WHEN i % 6 = 0 THEN NULL ELSE {'visits': i % 7, 'tier': 'gold'}::JSON END
FROM range(8000) t(i);
`;
const DUCKDB_ROWS = 8_000;
/** Leaves without nulls of their own, made REQUIRED in the Spark-like copy (DuckDB writes NOT NULL as OPTIONAL). */
const REQUIRED_LEAVES = ['_id', 'seq', 'person.name.last'];

async function writeDuckDbFile(path: string): Promise<void> {
  const db = await DuckDBInstance.create();
  const connection = await db.connect();
  try {
    await connection.run(PROFILES);
    await connection.run(`COPY profiles TO '${path}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048)`);
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/** Per column chunk: its page types, and whether a data page starts inside a row (repetition level > 0). */
function pageLayout(bytes: Uint8Array, metadata: FileMetaData) {
  const schema = parquetSchema(metadata);
  return metadata.row_groups.flatMap((group) =>
    group.columns.map(({ meta_data: meta }) => {
      const pages = pagesOf(bytes, meta!);
      const schemaPath = getTreePath(schema, meta!.path_in_schema);
      const decoder = {
        pathInSchema: meta!.path_in_schema,
        element: schemaPath.at(-1)!.element,
        schemaPath,
        type: meta!.type,
        codec: meta!.codec,
        parsers: DEFAULT_PARSERS,
      };
      const startsInsideRow = pages.some(({ header, body }) => {
        if (header.type !== 'DATA_PAGE') return false;
        const raw = decompressPage(body, header.uncompressed_page_size, meta!.codec, undefined);
        return (readDataPage(raw, header.data_page_header!, decoder).repetitionLevels[0] ?? 0) > 0;
      });
      return { column: meta!.path_in_schema.join('.'), types: pages.map(({ header }) => header.type), startsInsideRow };
    }),
  );
}

describe('files written by DuckDB (DATA_PAGE V1 and dictionary pages, as in real exports)', () => {
  const files: Record<string, { path: string; rows: Row[] }> = {};

  beforeAll(async () => {
    const written = join(dir, 'part-00000-duckdb.snappy.parquet');
    await writeDuckDbFile(written);
    // Spark breaks pages at about 1 MiB or 20,000 values; here every 300 entries and at random
    // places, so that rows and lists go on from one page to the next.
    const split = join(dir, 'part-00001-spark-pages.snappy.parquet');
    await writeFile(split, splitPages(await readFile(written), cutEvery(300), { required: REQUIRED_LEAVES }));
    for (const [name, path] of [
      ['as DuckDB wrote it', written],
      ['in many V1 pages broken inside rows', split],
    ] as const) {
      files[name] = { path, rows: await reference(await asyncBufferFromFile(path)) };
    }
  }, 60_000);

  it('are what the test means them to be: V1 pages, dictionaries, row groups, pages broken inside rows', async () => {
    const written = await readFile(files['as DuckDB wrote it']!.path);
    const metadata = metadataOf(written);
    expect(metadata.row_groups.length).toBeGreaterThanOrEqual(4);
    const layout = pageLayout(written, metadata);
    expect(new Set(layout.flatMap(({ types }) => types))).toEqual(new Set(['DATA_PAGE', 'DICTIONARY_PAGE']));

    const split = await readFile(files['in many V1 pages broken inside rows']!.path);
    const splitMetadata = metadataOf(split);
    const splitLayout = pageLayout(split, splitMetadata);
    expect(
      Math.min(...splitLayout.map(({ types }) => types.filter((type) => type === 'DATA_PAGE').length)),
    ).toBeGreaterThanOrEqual(4);
    expect(splitLayout.filter(({ startsInsideRow }) => startsInsideRow).map(({ column }) => column)).toContain(
      'identityMap.key_value.value.list.element.id',
    );
    const required = splitMetadata.schema.filter((element) => element.repetition_type === 'REQUIRED');
    expect(required.map((element) => element.name)).toEqual(expect.arrayContaining(['_id', 'seq', 'last', 'key']));
    // The split holds the very rows DuckDB wrote.
    expect(files['in many V1 pages broken inside rows']!.rows).toStrictEqual(files['as DuckDB wrote it']!.rows);
    expect(files['as DuckDB wrote it']!.rows).toHaveLength(DUCKDB_ROWS);
  });

  describe.each(['as DuckDB wrote it', 'in many V1 pages broken inside rows'])('%s', (name) => {
    it('gives every row exactly as hyparquet does: values, types, nulls, empty lists and maps, key order', async () => {
      const { path, rows } = files[name]!;
      expectSameRows(await collect(readExportedProfiles([path])), rows);
    });

    it.each([
      ['nested paths, in another order than the schema', ['person.name.first', 'seq', '_id']],
      ['paths through a list of structs', ['identities.namespace.code', 'identities.id']],
      ['a struct cut down, its fields in the order given', ['person.age', 'person.name.last']],
      ['whole lists and maps', ['identityMap', 'matrix', 'tags', 'segments']],
      ['scalars of every type', ['balance', 'seen', 'born', 'active', 'ratio', 'score', 'note', 'wide', 'uid', 'js']],
      ['a path under one kept whole', ['person', 'person.name.first', 'identities']],
      ["a map's keys, as XDM's identityMap is read", ['identityMap.ECID', 'identityMap.Phone', 'segments.seg-x']],
    ])('gives the fields selected (%s) as the reference rows cut down', async (_, fields) => {
      const { path, rows } = files[name]!;
      expectSameRows(await collect(readExportedProfiles([path], { fields })), projected(rows, fields));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Random nested schemas (fast-check)

type LeafType = 'string' | 'int32' | 'int64' | 'boolean' | 'double';
type Shape = { required: boolean } & (
  | { kind: 'leaf'; type: LeafType }
  | { kind: 'struct'; fields: Shape[] }
  | { kind: 'list'; element: Shape }
  | { kind: 'map'; value: Shape }
);

const LEAVES: Record<LeafType, Omit<SchemaElement, 'name'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int32: { type: 'INT32' },
  int64: { type: 'INT64' },
  boolean: { type: 'BOOLEAN' },
  double: { type: 'DOUBLE' },
};

function shapeArbitrary(depth: number): fc.Arbitrary<Shape> {
  const required = fc.boolean();
  const leaf: fc.Arbitrary<Shape> = fc.record({
    kind: fc.constant('leaf' as const),
    type: fc.constantFrom<LeafType>('string', 'int32', 'int64', 'boolean', 'double'),
    required,
  });
  if (depth === 0) return leaf;
  const below = shapeArbitrary(depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 2 },
    fc.record({
      kind: fc.constant('struct' as const),
      fields: fc.array(below, { minLength: 1, maxLength: 3 }),
      required,
    }),
    fc.record({ kind: fc.constant('list' as const), element: below, required }),
    fc.record({ kind: fc.constant('map' as const), value: below, required }),
  );
}

/** The schema elements of a column, in hyparquet-writer's (and Spark's) standard layouts. */
function elementsOf(name: string, shape: Shape): SchemaElement[] {
  const repetition_type = shape.required ? 'REQUIRED' : 'OPTIONAL';
  switch (shape.kind) {
    case 'leaf':
      return [{ name, repetition_type, ...LEAVES[shape.type] }];
    case 'struct':
      return [
        { name, repetition_type, num_children: shape.fields.length },
        ...shape.fields.flatMap((field, index) => elementsOf(`f${index}`, field)),
      ];
    case 'list':
      return [
        { name, repetition_type, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...elementsOf('element', shape.element),
      ];
    case 'map':
      return [
        { name, repetition_type, converted_type: 'MAP', num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        { name: 'key', repetition_type: 'REQUIRED', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
        ...elementsOf('value', shape.value),
      ];
  }
}

const LEAF_VALUES: Record<LeafType, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 6 }),
  int32: fc.integer(),
  int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  boolean: fc.boolean(),
  double: fc.double(),
};

function valueArbitrary(shape: Shape): fc.Arbitrary<unknown> {
  let present: fc.Arbitrary<unknown>;
  switch (shape.kind) {
    case 'leaf':
      present = LEAF_VALUES[shape.type];
      break;
    case 'struct':
      present = fc
        .tuple(...shape.fields.map(valueArbitrary))
        .map((values) => Object.fromEntries(values.map((value, index) => [`f${index}`, value])));
      break;
    case 'list':
      present = fc.array(valueArbitrary(shape.element), { maxLength: 4 });
      break;
    case 'map':
      // Keys from a small alphabet, so that maps share keys; never `__proto__`.
      present = fc
        .uniqueArray(
          fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 2 }), valueArbitrary(shape.value)),
          {
            maxLength: 3,
            selector: ([key]) => key,
          },
        )
        .map((entries) => Object.fromEntries(entries));
      break;
  }
  return shape.required ? present : fc.option(present, { nil: null, freq: 3 });
}

function schemaOf(shapes: Shape[]): SchemaElement[] {
  return [
    { name: 'root', num_children: shapes.length },
    ...shapes.flatMap((shape, index) => elementsOf(`c${index}`, shape)),
  ];
}

/**
 * Every dot path `fields` accepts (as `missingField` walks the schema: a list passes through to
 * its element), odd ones included: into a map's `key_value`, through a list of lists' `list`.
 */
function selectablePaths(node: SchemaTree, prefix = ''): string[] {
  let through = node;
  if (node.element.converted_type === 'LIST' && node.children.length === 1) {
    const repeated = node.children[0]!;
    through = repeated.children.length === 1 ? repeated.children[0]! : repeated;
  }
  return through.children.flatMap((child) => {
    const path = `${prefix}${child.element.name}`;
    return [path, ...selectablePaths(child, `${path}.`)];
  });
}

const caseArbitrary = fc.array(shapeArbitrary(3), { minLength: 1, maxLength: 4 }).chain((shapes) => {
  const row = fc
    .tuple(...shapes.map(valueArbitrary))
    .map((values) => Object.fromEntries(values.map((value, index) => [`c${index}`, value])));
  const paths = selectablePaths(parquetSchema({ schema: schemaOf(shapes) }));
  return fc.record({
    shapes: fc.constant(shapes),
    rows: fc.array(row, { maxLength: 40 }),
    rowGroupSize: fc.integer({ min: 1, max: 25 }),
    pageSize: fc.integer({ min: 1, max: 100 }),
    // Half the files as hyparquet-writer writes them (V2 pages starting on rows), half split into V1 pages.
    v1PageEntries: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
    fields: fc.option(fc.shuffledSubarray(paths, { minLength: 1, maxLength: Math.min(5, paths.length) }), {
      nil: undefined,
    }),
  });
});

describe('random nested schemas (structs, LIST, MAP, OPTIONAL and REQUIRED, depth 3)', () => {
  it('give the rows hyparquet gives, whatever the pages, row groups and fields selected', async () => {
    await fc.assert(
      fc.asyncProperty(caseArbitrary, async ({ shapes, rows, rowGroupSize, pageSize, v1PageEntries, fields }) => {
        const schema = schemaOf(shapes);
        const columnData = shapes.map((_, index) => ({ name: `c${index}`, data: rows.map((row) => row[`c${index}`]) }));
        let bytes: Uint8Array = new Uint8Array(parquetWriteBuffer({ columnData, schema, rowGroupSize, pageSize }));
        if (v1PageEntries !== undefined) bytes = splitPages(bytes, cutEvery(v1PageEntries));
        const file = memoryBuffer(bytes);
        const expected = projected(await reference(file), fields);
        expectSameRows(await collect(readParquetRows(file, 'random.parquet', { fields })), expected);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Schemas left to hyparquet

const FALLBACK_ROWS = 300;
const ids = Array.from({ length: FALLBACK_ROWS }, (_, index) => index);
const UNBUILT: Array<[string, SchemaElement[], Array<{ name: string; data: unknown[] }>, string[]]> = [
  [
    // hyparquet-writer writes the leaf's entries from the array's items themselves (it does not
    // descend into a repeated group's fields): the file is still a valid one.
    'a bare REPEATED group, not under a LIST',
    [
      { name: 'root', num_children: 2 },
      { name: 'id', repetition_type: 'REQUIRED', type: 'INT32' },
      { name: 'phones', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'number', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    ],
    [
      { name: 'id', data: ids },
      {
        name: 'phones',
        data: ids.map((id) =>
          Array.from({ length: id % 4 }, (_, item) => (item === 1 ? null : `+1-555-${id}-${item}`)),
        ),
      },
    ],
    ['phones', 'id'],
  ],
  [
    'a VARIANT column',
    [
      { name: 'root', num_children: 2 },
      { name: 'id', repetition_type: 'REQUIRED', type: 'INT32' },
      { name: 'attributes', repetition_type: 'OPTIONAL', num_children: 2, logical_type: { type: 'VARIANT' } },
      { name: 'metadata', repetition_type: 'REQUIRED', type: 'BYTE_ARRAY' },
      { name: 'value', repetition_type: 'REQUIRED', type: 'BYTE_ARRAY' },
    ],
    [
      { name: 'id', data: ids },
      {
        name: 'attributes',
        data: ids.map((id) => (id % 5 === 0 ? null : id % 2 ? { tier: `t${id % 3}`, visits: [id, null] } : `v${id}`)),
      },
    ],
    ['attributes', 'id'],
  ],
];

describe.each(UNBUILT)('a file with %s', (name, schema, columnData, fields) => {
  const bytes = new Uint8Array(parquetWriteBuffer({ columnData, schema, rowGroupSize: 70, pageSize: 64 }));

  it('is declined by the assembler, so that hyparquet reads it', () => {
    expect(rowAssembler(parquetSchema(metadataOf(bytes)), undefined)).toBeUndefined();
  });

  it.each([
    ['every field', undefined],
    ['fields selected, in another order', fields],
  ])('is still read, the same as hyparquet reads it (%s)', async (_, selected) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.parquet`);
    await writeFile(path, bytes);
    const expected = projected(await reference(memoryBuffer(bytes)), selected);
    expect(expected.filter((row) => row[fields[0]!] !== null)).not.toHaveLength(0);
    expectSameRows(await collect(readExportedProfiles([path], { fields: selected })), expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Legacy two-level lists

/**
 * The file with each standard three-level list (`list` > `element`, the element REQUIRED) made
 * the two-level list older parquet-mr writers use (`repeated ... array`). Both have the same
 * levels, so only the footer changes.
 */
function twoLevelLists(bytes: Uint8Array): Uint8Array {
  return withFooter(bytes, (metadata) => {
    metadata.schema = metadata.schema.flatMap((element, index, all) => {
      if (element.name === 'list' && element.repetition_type === 'REPEATED') return [];
      if (all[index - 1]?.name === 'list' && all[index - 1]?.repetition_type === 'REPEATED')
        return [{ ...element, name: 'array', repetition_type: 'REPEATED' as const }];
      return [element];
    });
    for (const group of metadata.row_groups) {
      for (const { meta_data: meta } of group.columns) {
        const at = meta!.path_in_schema.indexOf('list');
        if (at >= 0) meta!.path_in_schema.splice(at, 2, 'array');
      }
    }
  });
}

const listOf = (element: SchemaElement[]): SchemaElement[] => [
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ...element,
];
const LEGACY_ROWS = 120;
const legacyIds = Array.from({ length: LEGACY_ROWS }, (_, index) => index);

describe.each([
  [
    'a repeated leaf, or a repeated group of one field (read by the assembler)',
    true,
    [
      { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      ...listOf([{ name: 'element', repetition_type: 'REQUIRED', type: 'BYTE_ARRAY', converted_type: 'UTF8' }]),
      { name: 'names', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      ...listOf([
        { name: 'element', repetition_type: 'REQUIRED', num_children: 1 },
        { name: 'first', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      ]),
    ] as SchemaElement[],
    [
      {
        name: 'tags',
        data: legacyIds.map((id) => (id % 4 ? Array.from({ length: id % 3 }, (_, k) => `t${k}`) : null)),
      },
      {
        name: 'names',
        data: legacyIds.map((id) =>
          id % 5 ? Array.from({ length: id % 3 }, (_, k) => ({ first: k === 1 ? null : `f${k}` })) : null,
        ),
      },
    ],
  ],
  [
    'a repeated group of several fields (left to hyparquet)',
    false,
    [
      { name: 'identities', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      ...listOf([
        { name: 'element', repetition_type: 'REQUIRED', num_children: 2 },
        { name: 'id', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
        { name: 'code', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      ]),
    ] as SchemaElement[],
    [
      {
        name: 'identities',
        data: legacyIds.map((id) =>
          id % 4 ? Array.from({ length: id % 3 }, (_, k) => ({ id: `i${id}-${k}`, code: k ? null : 'ECID' })) : null,
        ),
      },
    ],
  ],
])('a legacy two-level list: %s', (_, assembled, columns, data) => {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 1 + data.length },
    { name: 'id', repetition_type: 'REQUIRED', type: 'INT32' },
    ...columns,
  ];
  const written = new Uint8Array(
    parquetWriteBuffer({
      schema,
      columnData: [{ name: 'id', data: legacyIds }, ...data],
      rowGroupSize: 50,
      pageSize: 40,
    }),
  );
  const bytes = twoLevelLists(written);

  it('is read as hyparquet reads it', async () => {
    const schemaTree = parquetSchema(metadataOf(bytes));
    expect(schemaTree.children.map(({ children }) => children[0]?.element.name)).toContain('array');
    expect(rowAssembler(schemaTree, undefined) !== undefined).toBe(assembled);
    const file = memoryBuffer(bytes);
    const expected = await reference(file);
    expectSameRows(await collect(readParquetRows(file, 'legacy.parquet')), expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Only the needed column chunks are fetched

/** Reads under this many bytes apart are merged into one by the reader (row-groups.ts GAP_BYTES). */
const GAP_BYTES = 64 * 1024;

/** Deterministic text that snappy cannot shrink: each unselected chunk stays far above GAP_BYTES. */
function noise(seed: number, length: number): string {
  let state = seed;
  let out = '';
  while (out.length < length) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out += state.toString(36);
  }
  return out.slice(0, length);
}

describe('reading some fields', () => {
  it('fetches the footer and their column chunks, never the large columns between them', async () => {
    const count = 90;
    const schema: SchemaElement[] = [
      { name: 'root', num_children: 5 },
      { name: 'id', repetition_type: 'REQUIRED', type: 'INT32' },
      { name: 'blob', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'person', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'first', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'age', repetition_type: 'OPTIONAL', type: 'INT32' },
      { name: 'history', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
      { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', repetition_type: 'OPTIONAL', type: 'BYTE_ARRAY', converted_type: 'UTF8' },
    ];
    const rows = Array.from({ length: count }, (_, index) => ({
      id: index,
      blob: noise(index, 8_000),
      person: index % 5 === 0 ? null : { first: `F${index}`, age: index },
      history: noise(index + 1_000, 8_000),
      tags: Array.from({ length: index % 3 }, (_, item) => `t${item}`),
    }));
    const columnData = Object.keys(rows[0]!).map((name) => ({
      name,
      data: rows.map((row) => row[name as keyof typeof row]),
    }));
    const bytes = new Uint8Array(parquetWriteBuffer({ columnData, schema, rowGroupSize: 30 }));
    const metadata = metadataOf(bytes);
    const selected = new Set(['id', 'person.first', 'tags.list.element']);
    const chunks = metadata.row_groups.flatMap((group) =>
      group.columns.map(({ meta_data: meta }) => ({
        column: meta!.path_in_schema.join('.'),
        range: chunkRange(meta!),
        wanted: selected.has(meta!.path_in_schema.join('.')),
      })),
    );
    const large = chunks.filter(({ wanted, range: [start, end] }) => !wanted && end - start > GAP_BYTES);
    expect(large.map(({ column }) => column)).toEqual(['blob', 'history', 'blob', 'history', 'blob', 'history']);

    const reads: Array<[number, number]> = [];
    const file: AsyncBuffer = {
      byteLength: bytes.length,
      slice(start, end = bytes.length) {
        reads.push([start, end]);
        return bytes.slice(start, end).buffer;
      },
    };
    const fields = ['tags', 'person.first', 'id'];
    const rowsRead = await collect(readParquetRows(file, 'wide.parquet', { fields }));
    expectSameRows(rowsRead, projected(await reference(memoryBuffer(bytes)), fields));

    // The magic at both ends, then the footer alone (from its length in the last 8 bytes): the
    // rest are column chunk reads, each from a wanted chunk's start to a wanted chunk's end.
    const footerStart = bytes.length - 8 - new DataView(bytes.buffer, bytes.length - 8, 4).getUint32(0, true);
    const chunkReads = reads.filter(([start, end]) => end <= footerStart && !(start === 0 && end === 4));
    expect(reads.filter((read) => !chunkReads.includes(read))).toEqual([
      [0, 4],
      [bytes.length - 8, bytes.length],
      [footerStart, bytes.length],
    ]);
    const starts = new Set(chunks.filter(({ wanted }) => wanted).map(({ range }) => range[0]));
    const ends = new Set(chunks.filter(({ wanted }) => wanted).map(({ range }) => range[1]));
    for (const [start, end] of chunkReads) {
      expect(starts.has(start) && ends.has(end), `read ${start}-${end}`).toBe(true);
      for (const { column, range } of large)
        expect(end <= range[0] || start >= range[1], `read ${start}-${end} covers ${column}`).toBe(true);
    }
    for (const { column, range, wanted } of chunks) {
      if (!wanted) continue;
      const covered = chunkReads.some(([start, end]) => start <= range[0] && end >= range[1]);
      expect(covered, `${column} at ${range.join('-')} read`).toBe(true);
    }
  });

  it('asks for the next row group while the rows of this one are read', async () => {
    const schema: SchemaElement[] = [
      { name: 'root', num_children: 1 },
      { name: 'id', repetition_type: 'REQUIRED', type: 'INT32' },
    ];
    const ids = Array.from({ length: 30 }, (_, index) => index);
    const bytes = new Uint8Array(
      parquetWriteBuffer({ columnData: [{ name: 'id', data: ids }], schema, rowGroupSize: 10 }),
    );
    const groupStarts = metadataOf(bytes).row_groups.map(({ columns }) => chunkRange(columns[0]!.meta_data!)[0]);
    const asked: number[] = [];
    const file: AsyncBuffer = {
      byteLength: bytes.length,
      slice(start, end = bytes.length) {
        asked.push(start);
        return bytes.slice(start, end).buffer;
      },
    };
    const seen: boolean[] = [];
    for await (const row of readParquetRows(file, 'ahead.parquet')) {
      // At the first row of each group, the next group has been asked for already.
      if ((row.id as number) % 10 === 0) seen.push(asked.includes(groupStarts[(row.id as number) / 10 + 1] ?? -1));
    }
    expect(seen).toEqual([true, true, false]);
  });
});
