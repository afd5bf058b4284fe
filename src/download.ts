import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pMap from 'p-map';
import { listBatchFiles, type BatchFile } from './batch-files.js';
import { ConnectionError } from './errors/connection-error.js';
import { ResponseValidationError } from './errors/response-validation-error.js';
import { systemErrorCode } from './http/errors.js';
import { safeFilePath } from './http/path.js';
import { withRetries } from './http/retry.js';
import type { CallSettings, Transport } from './http/transport.js';

/**
 * Options of `downloadBatchFiles`.
 *
 * @example
 * ```ts
 * const files = await client.downloadBatchFiles(batchId, {
 *   dir: './export',
 *   concurrency: 4,
 *   onProgress: ({ bytes, totalBytes }) => console.log(`${bytes} / ${totalBytes ?? '?'} bytes`),
 * });
 * ```
 */
export interface DownloadOptions {
  /** The folder to write into (created if missing). File names from the server never escape it. */
  dir: string;
  /** How many files download at once. Default 4. */
  concurrency?: number;
  /** Stops every download; partial files stay as `.part` and resume next time. */
  signal?: AbortSignal;
  /** How many times one file may resume after its connection broke off. Default 5. */
  maxResumes?: number;
  /** Told of each chunk written. */
  onProgress?: (progress: DownloadProgress) => void;
}

/** Where a download stands, after each chunk. */
export interface DownloadProgress {
  /** The file the chunk belongs to. */
  file: string;
  /** Bytes of that file on disk. */
  fileBytes: number;
  /** That file's size, when known. */
  fileSize: number | undefined;
  /** Bytes on disk across all files, including files skipped as already complete. */
  bytes: number;
  /** Total size of all files, when every size is known. */
  totalBytes: number | undefined;
  /** Files finished so far, and in all. */
  filesDone: number;
  filesTotal: number;
}

/** A file `downloadBatchFiles` wrote. */
export interface DownloadedFile {
  /** The name the server gave. */
  name: string;
  /** Where it is on disk. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Already complete on disk: nothing was downloaded. */
  skipped: boolean;
  /** How many times the download resumed after a broken connection. */
  resumes: number;
}

const PART = '.part';

/**
 * Streams every file of a batch to disk, never holding a whole file in memory: bounded
 * concurrency, a `.part` file renamed once complete, resume with `Range` after a broken
 * connection (and across runs), a size check against the listing's `length`, progress events.
 * A file already complete on disk is skipped.
 */
export async function downloadBatchFiles(dataAccess: Transport, batchId: string, options: DownloadOptions, settings: CallSettings): Promise<DownloadedFile[]> {
  const { dir, concurrency = 4, maxResumes = 5, signal, onProgress } = options;
  const callSettings = { ...settings, ...(signal ? { signal } : {}) };
  const files = await listBatchFiles(dataAccess, batchId, callSettings);
  const targets = files.map((file) => ({ file, path: safeFilePath(dir, file.name, join, resolve) }));
  const state = {
    bytes: 0,
    filesDone: 0,
    totalBytes: files.every((file) => file.length !== undefined) ? files.reduce((sum, file) => sum + file.length!, 0) : undefined,
  };
  const report = (file: BatchFile, fileBytes: number) =>
    onProgress?.({ file: file.name, fileBytes, fileSize: file.length, bytes: state.bytes, totalBytes: state.totalBytes, filesDone: state.filesDone, filesTotal: files.length });

  return pMap(
    targets,
    async ({ file, path }) => {
      const result = await downloadFile(dataAccess, file, path, { maxResumes, settings: callSettings, onBytes: (added, fileBytes) => {
        state.bytes += added;
        report(file, fileBytes);
      } });
      state.filesDone++;
      report(file, result.bytes);
      return result;
    },
    { concurrency, ...(signal ? { signal } : {}) },
  );
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function downloadFile(
  dataAccess: Transport,
  file: BatchFile,
  path: string,
  context: { maxResumes: number; settings: CallSettings; onBytes: (added: number, fileBytes: number) => void },
): Promise<DownloadedFile> {
  const done = await sizeOf(path);
  if (done !== undefined && (file.length === undefined || done === file.length)) {
    context.onBytes(done, done);
    return { name: file.name, path, bytes: done, skipped: true, resumes: 0 };
  }
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}${PART}`;
  let written = (await sizeOf(part)) ?? 0;
  if (file.length !== undefined && written > file.length) {
    await rm(part);
    written = 0;
  }
  if (written > 0) context.onBytes(written, written);
  let attempts = 0;

  await withRetries(
    async () => {
      attempts++;
      if (file.length !== undefined && written === file.length) return;
      const range: Record<string, string> = written > 0 ? { range: `bytes=${written}-` } : {};
      // One retry layer: this loop; the request itself is sent once per attempt.
      const response = await dataAccess.stream(
        { method: 'GET', path: file.downloadPath, idempotent: true },
        { ...context.settings, maxRetries: 0, headers: { ...context.settings.headers, ...range, accept: '*/*' } },
      );
      const append = written > 0 && response.status === 206;
      if (written > 0 && !append) {
        // The server ignored the range: start over.
        context.onBytes(-written, 0);
        written = 0;
      }
      if (append) checkContentRange(response.headers.get('content-range'), written, file, response.requestId);
      const body = response.body ?? new ReadableStream();
      try {
        await pipeline(
          Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
          async function* (chunks: AsyncIterable<Buffer>) {
            for await (const chunk of chunks) {
              written += chunk.length;
              context.onBytes(chunk.length, written);
              yield chunk;
            }
          },
          createWriteStream(part, { flags: append ? 'a' : 'w' }),
          context.settings.signal ? { signal: context.settings.signal } : {},
        );
      } catch (error) {
        if (context.settings.signal?.aborted) throw context.settings.signal.reason;
        // The body broke off: what reached the disk stays, and the next attempt resumes after it.
        written = (await sizeOf(part)) ?? 0;
        throw new ConnectionError(`Download of ${file.name} broke off at byte ${written}: ${(error as Error).message}`, { code: systemErrorCode(error), requestIds: [response.requestId] });
      }
      written = (await sizeOf(part)) ?? written;
      if (file.length !== undefined && written < file.length) {
        throw new ConnectionError(`Download of ${file.name} ended early at byte ${written} of ${file.length}`, { requestIds: [response.requestId] });
      }
    },
    { maxRetries: context.maxResumes, idempotent: true, signal: context.settings.signal },
  );

  if (file.length !== undefined && written !== file.length) {
    await rm(part, { force: true });
    throw new ResponseValidationError(`Downloaded ${written} bytes of ${file.name}, but the listing says ${file.length}`, { body: '', status: 200, requestId: undefined });
  }
  await rename(part, path);
  return { name: file.name, path, bytes: written, skipped: false, resumes: attempts - 1 };
}

function checkContentRange(header: string | null, offset: number, file: BatchFile, requestId: string): void {
  const start = header === null ? undefined : /^bytes (\d+)-/.exec(header)?.[1];
  if (start === undefined || Number(start) !== offset) {
    throw new ResponseValidationError(`Asked for ${file.name} from byte ${offset}, got Content-Range ${JSON.stringify(header)}`, { body: '', status: 206, requestId });
  }
}
