/** Shared by the profile tests: what the simulator meant to write, and a directory per test. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetContent } from '../../src/testing/parquet.js';
import { readAll } from '../../src/testing/bytes.js';
import { makeRow, parseFields, profileSeed, projectModel } from '../../src/testing/profile-data.js';

/** The rows a batch of `count` profiles holds, with the job's `fields`. */
export function expectedRows(batchId: string, count: number, fields?: string): Array<Record<string, unknown>> {
  const model = projectModel(parseFields(fields));
  return Array.from({ length: count }, (_, index) => makeRow(profileSeed(batchId), index, model));
}

/** A simulated export file written to `path`: `rows` rows of batch `batchId` from row `firstRow`. */
export async function writeSimulatedFile(
  path: string,
  options: { batchId: string; rows: number; firstRow?: number; fields?: string; rowsPerRowGroup?: number },
): Promise<Uint8Array> {
  const fields = parseFields(options.fields);
  const content = parquetContent({
    key: `${path}\n${JSON.stringify(options)}`,
    seed: profileSeed(options.batchId),
    model: projectModel(fields),
    firstRow: options.firstRow ?? 0,
    rows: options.rows,
    rowsPerRowGroup: options.rowsPerRowGroup ?? 1_000,
  });
  const bytes = readAll(content);
  await writeFile(path, bytes);
  return bytes;
}

export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'aep-profiles-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}
