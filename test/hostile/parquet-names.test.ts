/**
 * Promise: the names in a Parquet file (its fields, its map keys) are data. A field or a map key
 * named `__proto__` comes out as a field of the row like any other; it never gives the row (or a
 * nested object) a prototype, so a file cannot make `row.toString` or `row.hasOwnProperty` its own.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExportedProfiles } from '../../src/profiles/index.js';
import { collect, tempDir } from '../profiles/helpers.js';

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => ({ dir, remove } = await tempDir()));
afterAll(() => remove());

describe('a file naming things __proto__', () => {
  it('gives rows a __proto__ field, from a column or a map key, and never a prototype', async () => {
    const path = join(dir, 'proto.parquet');
    const connection = await (await DuckDBInstance.create()).connect();
    await connection.run(
      `COPY (SELECT {'toString': 'x'} AS "__proto__",
                    {'inner': 1, '__proto__': {'hasOwnProperty': 'y'}} AS nested,
                    MAP {'__proto__': {'valueOf': 'z'}, 'safe': {'valueOf': 'w'}} AS m)
       TO '${path}' (FORMAT parquet)`,
    );
    const [row] = await collect(readExportedProfiles(path));
    for (const object of [row!, row!.nested as object, row!.m as object])
      expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(row!)).toEqual(['__proto__', 'nested', 'm']);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toEqual({ toString: 'x' });
    expect(typeof row!.toString).toBe('function');
    expect(JSON.parse(JSON.stringify(row))).toEqual({
      ['__proto__']: { toString: 'x' },
      nested: { inner: 1, ['__proto__']: { hasOwnProperty: 'y' } },
      m: { ['__proto__']: { valueOf: 'z' }, safe: { valueOf: 'w' } },
    });
  });
});
