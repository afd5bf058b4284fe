/**
 * Profile rows as text: NDJSON and CSV as a warehouse or a spreadsheet reads them, and CSV columns
 * taken from the files' schema, so that a struct null in the first row still gets its columns.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExportedProfiles, readProfileColumns, toCsvRows, toNdjsonLines } from '../src/profiles/index.js';
import { collect, tempDir } from './profiles/helpers.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

/** A file whose first profile has no `person` and no `tags`, the second both. */
async function writePeople(path: string): Promise<void> {
  const buffer = parquetWriteBuffer({
    schema: [
      { name: 'spark_schema', num_children: 3 },
      { name: '_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      { name: 'person', repetition_type: 'OPTIONAL', num_children: 1 },
      { name: 'name', repetition_type: 'OPTIONAL', num_children: 2 },
      { name: 'firstName', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'lastName', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    ],
    columnData: [
      { name: '_id', data: ['p-1', 'p-2'] },
      { name: 'person', data: [null, { name: { firstName: 'Zoë', lastName: 'O"Brien, Jr.' } }] },
      { name: 'tags', data: [null, ['a', 'b']] },
    ],
  });
  await writeFile(path, new Uint8Array(buffer));
}

async function text(lines: AsyncIterable<string>): Promise<string> {
  return (await collect(lines)).join('');
}

describe('readProfileColumns', () => {
  it('gives a struct null in the first row its columns, so that every row fits the header', async () => {
    const path = join(dir, 'part-00000.snappy.parquet');
    await writePeople(path);
    const columns = await readProfileColumns(path);
    expect(columns).toEqual(['_id', 'person.name.firstName', 'person.name.lastName', 'tags']);
    expect(await text(toCsvRows(readExportedProfiles(path), columns))).toBe(
      '_id,person.name.firstName,person.name.lastName,tags\r\n' +
        'p-1,,,\r\n' +
        'p-2,Zoë,"O""Brien, Jr.","[""a"",""b""]"\r\n',
    );
  });

  it('follows the fields asked for, in their order, and puts segmentId first for segment folders', async () => {
    await mkdir(join(dir, 'seg-1'));
    await writePeople(join(dir, 'seg-1', 'part-00000.snappy.parquet'));
    expect(await readProfileColumns(dir, { fields: ['person.name.lastName', '_id'] })).toEqual([
      'segmentId',
      'person.name.lastName',
      '_id',
    ]);
  });
});

describe('toCsvRows', () => {
  it('takes its columns from the first row when none are given, expanding structs and keeping lists whole', async () => {
    const rows = [
      { id: 1, person: { name: 'A' }, tags: ['x'] },
      { id: 2, person: { name: 'B\nC' }, tags: [] },
    ];
    expect(await text(toCsvRows(rows))).toBe('id,person.name,tags\r\n1,A,"[""x""]"\r\n2,"B\nC",[]\r\n');
  });
});

describe('toNdjsonLines', () => {
  it('writes 64-bit integers as numbers when exact and as strings when not, one object a line', async () => {
    const rows = [{ small: 42n, big: 2n ** 63n - 1n }, { small: 1 }];
    expect(await text(toNdjsonLines(rows))).toBe('{"small":42,"big":"9223372036854775807"}\n{"small":1}\n');
  });
});

describe('readProfileColumns below a map', () => {
  it('gives each key asked for a column of its own, as identityMap.ECID', async () => {
    const path = join(dir, 'map.parquet');
    const connection = await (await DuckDBInstance.create()).connect();
    await connection.run(
      `COPY (SELECT 'p-1' AS _id, MAP {'ECID': ['e-1'], 'Email': ['a@example.com']} AS identityMap) TO '${path}' (FORMAT parquet)`,
    );
    const fields = ['_id', 'identityMap.Email', 'identityMap.ECID'];
    const columns = await readProfileColumns(path, { fields });
    expect(columns).toEqual(['_id', 'identityMap.Email', 'identityMap.ECID']);
    expect(await text(toCsvRows(readExportedProfiles(path, { fields }), columns))).toBe(
      '_id,identityMap.Email,identityMap.ECID\r\np-1,"[""a@example.com""]","[""e-1""]"\r\n',
    );
    expect(await readProfileColumns(path)).toEqual(['_id', 'identityMap']);
  });
});
