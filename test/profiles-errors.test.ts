/** Bad input for readExportedProfiles: each gets a typed error naming the file, after every row before it. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileReadError, readExportedProfiles, type ProfileRow } from '../src/profiles/index.js';
import { expectedRows, tempDir, writeSimulatedFile } from './profiles/helpers.js';

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

/** Reads until the error, keeping the rows read before it. */
async function readUntilError(source: string | string[], fields?: string[]) {
  const rows: ProfileRow[] = [];
  try {
    for await (const row of readExportedProfiles(source, fields ? { fields } : {})) rows.push(row);
  } catch (error) {
    return { rows, error };
  }
  throw new Error('expected an error');
}

describe('readExportedProfiles refuses', () => {
  it('a file that is not Parquet, after the rows of the files before it', async () => {
    const good = join(dir, 'part-00000.parquet');
    await writeSimulatedFile(good, { batchId: 'b', rows: 20 });
    const bad = join(dir, 'part-00001.parquet');
    await writeFile(bad, 'id,email\n1,a@example.com\n');
    const { rows, error } = await readUntilError(dir);
    expect(rows).toEqual(expectedRows('b', 20));
    expect(error).toBeInstanceOf(ProfileReadError);
    expect(error).toMatchObject({ problem: 'not-parquet', file: bad, rowsRead: 0 });
    expect(String((error as Error).message)).toContain(bad);
  });

  it('a truncated file (a download cut short)', async () => {
    const path = join(dir, 'part-00000.parquet');
    const bytes = await writeSimulatedFile(path, { batchId: 'b', rows: 50 });
    for (const size of [3, 10, bytes.length - 1, Math.floor(bytes.length / 2)]) {
      await writeFile(path, bytes.subarray(0, size));
      const { error } = await readUntilError(path);
      expect(error, `cut at ${size}`).toMatchObject({
        name: 'ProfileReadError',
        problem: size < 4 ? 'not-parquet' : 'truncated',
        file: path,
      });
    }
  });

  it('a file whose footer is fine but whose data is damaged, after its readable row groups', async () => {
    const path = join(dir, 'part-00000.parquet');
    const bytes = await writeSimulatedFile(path, { batchId: 'b', rows: 300, rowsPerRowGroup: 100 });
    const damaged = new Uint8Array(bytes);
    // Zeroes in the middle of the file: the last row groups' pages, not the footer.
    damaged.fill(0xff, Math.floor(bytes.length * 0.6), Math.floor(bytes.length * 0.7));
    await writeFile(path, damaged);
    const { rows, error } = await readUntilError(path);
    expect(error).toMatchObject({ problem: 'corrupt', file: path });
    expect(rows).toEqual(expectedRows('b', 300).slice(0, rows.length));
    expect((error as ProfileReadError).rowsRead).toBe(rows.length);
  });

  it('a column that is missing, naming it', async () => {
    const path = join(dir, 'part-00000.parquet');
    await writeSimulatedFile(path, { batchId: 'b', rows: 5, fields: '_id,personalEmail.address' });
    for (const missing of ['loyalty', 'personalEmail.status', 'identities.id']) {
      const { error } = await readUntilError(path, ['_id', missing]);
      expect(error).toMatchObject({ problem: 'missing-column', column: missing, file: path });
    }
  });

  it('a folder with no Parquet files, and an empty list', async () => {
    await mkdir(join(dir, 'seg-a'));
    await writeFile(join(dir, 'seg-a', 'part-00000.parquet.part'), 'partial');
    await writeFile(join(dir, '_SUCCESS'), '');
    expect((await readUntilError(dir)).error).toMatchObject({ problem: 'no-files', file: dir });
    expect((await readUntilError([])).error).toMatchObject({ problem: 'no-files' });
  });
});
