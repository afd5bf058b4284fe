/**
 * The Parquet files an export wrote to disk, found and opened for reading in pieces: a folder
 * (one batch, or one sub-folder per segment) or a list of files.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { AsyncBuffer } from 'hyparquet';
import { ProfileReadError } from './errors.js';

/** One file to read, and the segment its folder names (with one folder per segment). */
export interface ProfileFile {
  path: string;
  segmentId?: string | undefined;
}

const isParquet = (name: string) => name.endsWith('.parquet');

/** Every `.parquet` file under `dir` (at any depth), sorted by path; `.part` leftovers are not Parquet files. */
async function parquetFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && isParquet(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The files of `source`. A folder holding Parquet files directly is one batch; a folder holding
 * only sub-folders of Parquet files is one batch per segment (as `exportSegments` writes with
 * `segmentPerBatch`), and each row then says its segment: the sub-folder's name.
 */
export async function findProfileFiles(source: string | readonly string[]): Promise<ProfileFile[]> {
  if (typeof source !== 'string') {
    if (source.length === 0) throw new ProfileReadError('no-files', '(no files)', 'no Parquet files were given');
    return source.map((path) => ({ path }));
  }
  if (!(await stat(source)).isDirectory()) return [{ path: source }];
  const all = await parquetFilesUnder(source);
  if (all.length === 0) throw new ProfileReadError('no-files', source, 'the folder holds no Parquet files');
  const topLevel = all.some((path) => !relative(source, path).includes('/') && !relative(source, path).includes('\\'));
  if (topLevel) return all.map((path) => ({ path }));
  return all.map((path) => ({ path, segmentId: relative(source, path).split(/[\\/]/)[0] }));
}

/** A file on disk as hyparquet reads it: slices read with positioned reads, never the whole file. */
export async function fileBuffer(path: string): Promise<AsyncBuffer & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start));
      for (let done = 0; done < bytes.length;) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
        if (bytesRead === 0) throw new ProfileReadError('truncated', path, 'the file shrank while it was read');
        done += bytesRead;
      }
      return bytes.buffer;
    },
    close: () => handle.close(),
  };
}
