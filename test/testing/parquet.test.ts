/**
 * The simulator's Parquet files checked by a second, independent Parquet implementation (DuckDB):
 * same rows as the simulator meant to write and as the SDK reads, snappy, row groups as asked,
 * and the same bytes however the file is read (whole, or in small ranges, cache or no cache).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExportedProfiles } from '../../src/profiles/index.js';
import { readAll } from '../../src/testing/bytes.js';
import { clearParquetCaches, parquetContent } from '../../src/testing/parquet.js';
import { parseFields, profileSeed, projectModel } from '../../src/testing/profile-data.js';
import { collect, expectedRows, tempDir, writeSimulatedFile } from '../profiles/helpers.js';

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => ({ dir, remove } = await tempDir()));
afterAll(() => remove());

async function duckRows(path: string): Promise<unknown[]> {
  const db = await DuckDBInstance.create();
  const connection = await db.connect();
  const result = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
  return result.getRowObjectsJson();
}

async function duckQuery(sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await DuckDBInstance.create();
  const connection = await db.connect();
  return (await connection.runAndReadAll(sql)).getRowObjectsJson();
}

describe.each([
  ['the default fields', undefined],
  ['fields given', 'identities.id,personalEmail.address,person.name.firstName'],
  ['fields in another order, with an unknown one', 'personalEmail.address,loyalty.tier,_id'],
])('a simulated file with %s', (_, fields) => {
  it('is read identically by DuckDB, the SDK, and the simulator meaning', async () => {
    const path = join(dir, `${String(fields?.length ?? 0)}.snappy.parquet`);
    await writeSimulatedFile(path, { batchId: 'b-1', rows: 250, fields, rowsPerRowGroup: 60 });
    const expected = expectedRows('b-1', 250, fields);
    expect(await collect(readExportedProfiles(path))).toEqual(expected);
    expect(await duckRows(path)).toEqual(JSON.parse(JSON.stringify(expected)));
    const groups = await duckQuery(
      `SELECT DISTINCT row_group_id, compression FROM parquet_metadata('${path}') ORDER BY 1`,
    );
    expect(groups.map((group) => group.compression)).toEqual(['SNAPPY', 'SNAPPY', 'SNAPPY', 'SNAPPY', 'SNAPPY']);
  });
});

describe('a simulated file', () => {
  it('projects lists of structs and structs as nested columns', async () => {
    const path = join(dir, 'nested.parquet');
    await writeSimulatedFile(path, {
      batchId: 'b-2',
      rows: 3,
      fields: 'identities.id,identities.namespace.code,personalEmail.address',
    });
    const types = await duckQuery(
      `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`,
    );
    expect(types).toEqual([
      { column_name: 'identities', column_type: 'STRUCT(id VARCHAR, namespace STRUCT(code VARCHAR))[]' },
      { column_name: 'personalEmail', column_type: 'STRUCT(address VARCHAR)' },
    ]);
  });

  it('has the same bytes read whole, in small ranges, or after the caches are cleared', () => {
    const spec = {
      key: 'stable',
      seed: profileSeed('b-3'),
      model: projectModel(parseFields(undefined)),
      firstRow: 5,
      rows: 333,
      rowsPerRowGroup: 50,
    };
    const whole = readAll(parquetContent(spec));
    clearParquetCaches();
    const content = parquetContent(spec);
    const pieces = new Uint8Array(content.size);
    for (let at = 0; at < pieces.length; at += 997)
      content.read(at, pieces.subarray(at, Math.min(at + 997, pieces.length)));
    expect(pieces).toEqual(whole);
  });

  it('holds no rows, and is still valid Parquet, for an empty export', async () => {
    const path = join(dir, 'empty.parquet');
    await writeSimulatedFile(path, { batchId: 'b-4', rows: 0 });
    expect(await collect(readExportedProfiles(path))).toEqual([]);
    expect(await duckRows(path)).toEqual([]);
  });
});
