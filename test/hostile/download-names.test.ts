/**
 * A batch whose file names collide on the file systems a download folder ends up on: by case or
 * Unicode form (macOS and Windows), or a file that is a folder of another. Refused with
 * `UnsafeResponseError` before any request for a file is sent and before anything is written.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsafeResponseError } from '../../src/index.js';
import { snapshot, useHostile } from './download-helper.js';

const hostile = useHostile();

describe('names that collide', () => {
  it.each([
    ['by case', 'Data.parquet', 'data.parquet'],
    ['in NFC and NFD forms', 'caf\u00e9.parquet', 'cafe\u0301.parquet'],
    ['by case, folder included', 'Part/x.parquet', 'part/X.parquet'],
    ['as a file and a folder of another', 'a', 'a/b'],
    ['as a folder of another and a file, in that order', 'a/b', 'a'],
    ['as a file and a folder of another, by case', 'A', 'a/b/c'],
    ['as a .part of another, by case', 'x.parquet', 'X.PARQUET.part'],
    ['as a .part and a folder', 'x', 'x.part/y'],
  ])('refuses two files colliding %s (%j, %j) before writing anything', async (_, first, second) => {
    hostile.simulator.addBatchFile('b1', first, 100);
    hostile.simulator.addBatchFile('b1', second, 100);
    const before = await snapshot(hostile.root);
    const error = await hostile.client
      .downloadBatchFiles('b1', { dir: hostile.dir })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeResponseError);
    expect(error).toMatchObject({ field: 'file name', value: second });
    expect(hostile.downloads).toEqual([]);
    expect(existsSync(hostile.dir)).toBe(false);
    expect(await snapshot(hostile.root)).toEqual(before);
  });

  it('downloads names that share only a folder, or a prefix that is not a folder', async () => {
    for (const name of ['a/b', 'a/c', 'ab', 'a.b']) hostile.simulator.addBatchFile('b1', name, 100);
    const files = await hostile.client.downloadBatchFiles('b1', { dir: hostile.dir });
    expect(files.map((file) => file.name)).toEqual(['a/b', 'a/c', 'ab', 'a.b']);
    for (const file of files)
      expect(
        Buffer.compare(await readFile(join(hostile.dir, file.name)), hostile.simulator.fileBytes('b1', file.name)),
      ).toBe(0);
  });
});
