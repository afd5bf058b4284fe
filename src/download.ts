import { createWriteStream } from 'node:fs';
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pMap from 'p-map';
import { listBatchFiles, type BatchFile } from './resources/data-access.js';
import { ApiError } from './errors/api-error.js';
import { ConnectionError } from './errors/connection-error.js';
import { TimeoutError } from './errors/timeout-error.js';
import { UnsafeResponseError } from './errors/unsafe-response-error.js';
import { ResponseValidationError } from './errors/response-validation-error.js';
import { systemErrorCode } from './internal/http/errors.js';
import { safeFilePath } from './internal/fs/safe-path.js';
import { withRetries } from './internal/http/retry.js';
import type { StreamResult, Transport } from './internal/http/transport.js';
import { checkFunction, checkMaxRetries, checkPositiveInteger, requireText, type RequestOptions } from './options.js';
import { ConfigurationError } from './errors/configuration-error.js';

/**
 * Options of `downloadBatchFiles`: the per-call {@link RequestOptions} (`signal` stops every
 * download, leaving partial files as `.part` to resume next time; `timeout` bounds the wait for
 * each response and each pause in a body) and what is specific to downloads.
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
export interface DownloadOptions extends RequestOptions {
  /** The folder to write into (created if missing). File names from the server never escape it. */
  dir: string;
  /** How many files download at once. Default 4. */
  concurrency?: number;
  /**
   * How many times one file is tried again after a failure that may pass: a connection that broke
   * off or stalled (resumed with `Range`), a timeout, or a 408, 429 or 5xx. Default 5.
   */
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
  /** How many times the download resumed from bytes already on disk (with `Range`). */
  resumes: number;
}

const PART = '.part';

/**
 * Streams every file of a batch to disk, never holding a whole file in memory: bounded
 * concurrency, a `.part` file renamed once complete, resume with `Range` after a broken
 * connection (and across runs), a size check against the listing's `length`, progress events.
 * A file already complete on disk is skipped.
 */
export async function downloadBatchFiles(dataAccess: Transport, batchId: string, options: DownloadOptions): Promise<DownloadedFile[]> {
  const { dir, concurrency = 4, maxResumes = 5, onProgress, ...callSettings } = checkDownloadOptions(options);
  const { signal } = callSettings;
  const files = await listBatchFiles(dataAccess, batchId, callSettings);
  const targets = files.map((file) => ({ file, path: safeFilePath(dir, file.name) }));
  const seen = new Set<string>();
  for (const { file, path } of targets) {
    // Two files of one batch with the same name would be written to one path at once; so would
    // `x.part` and the `.part` of `x`.
    for (const taken of [path, `${path}${PART}`]) {
      if (seen.has(taken)) throw new UnsafeResponseError('file name', file.name, 'appears twice in the batch, or names the .part of another file');
      seen.add(taken);
    }
  }
  const state = {
    bytes: 0,
    filesDone: 0,
    totalBytes: files.every((file) => file.length !== undefined) ? files.reduce((sum, file) => sum + file.length!, 0) : undefined,
  };
  const report = (file: BatchFile, fileBytes: number) =>
    onProgress?.({ file: file.name, fileBytes, fileSize: file.length, bytes: state.bytes, totalBytes: state.totalBytes, filesDone: state.filesDone, filesTotal: files.length });

  // When one file fails, the others stop too (their .part files stay, to resume later).
  const stop = new AbortController();
  const filesSettings = { ...callSettings, signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal };
  return pMap(
    targets,
    async ({ file, path }) => {
      try {
        const result = await downloadFile(dataAccess, file, path, {
          maxResumes,
          settings: filesSettings,
          onBytes: (added, fileBytes) => {
            state.bytes += added;
            report(file, fileBytes);
          },
        });
        state.filesDone++;
        report(file, result.bytes);
        return result;
      } catch (error) {
        stop.abort(error);
        throw error;
      }
    },
    { concurrency, ...(signal ? { signal } : {}) },
  );
}

/** Options are refused before anything is sent, each with a `ConfigurationError` naming it. */
function checkDownloadOptions(options: DownloadOptions): DownloadOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options', 'expected { dir, ... }');
  requireText('dir', options.dir);
  if (options.concurrency !== undefined) checkPositiveInteger('concurrency', options.concurrency);
  if (options.maxResumes !== undefined) checkMaxRetries('maxResumes', options.maxResumes);
  checkFunction('onProgress', options.onProgress);
  return options;
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
  context: { maxResumes: number; settings: RequestOptions; onBytes: (added: number, fileBytes: number) => void },
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
  // The .part exists from here on, even for a 0-byte file that no attempt will write to.
  await appendFile(part, new Uint8Array());
  let resumes = 0;
  // The body has no deadline of its own (a file may take long), but it must keep moving.
  const idleTimeout = context.settings.timeout ?? dataAccess.config.timeout;

  await withRetries(
    async () => {
      if (file.length !== undefined && written === file.length) return;
      if (written > 0) resumes++;
      const range: Record<string, string> = written > 0 ? { range: `bytes=${written}-` } : {};
      // One retry layer: this loop; the request itself is sent once per attempt.
      let response: StreamResult;
      try {
        response = await dataAccess.stream(
          { method: 'GET', path: file.downloadPath, idempotent: true },
          { ...context.settings, maxRetries: 0, headers: { ...context.settings.headers, ...range, accept: '*/*' } },
        );
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 416 && written > 0)) throw error;
        // Nothing after byte `written`: the server's file ends there (`Content-Range: bytes */N`).
        const total = /^bytes \*\/(\d+)$/.exec(error.headers['content-range'] ?? '')?.[1];
        if (total !== undefined && Number(total) === written && file.length === undefined) return;
        await rm(part, { force: true });
        throw new ResponseValidationError(`${file.name} is ${total ?? `at most ${written}`} bytes on the server, but the listing says ${file.length ?? 'more'}`, { body: '', status: 416, requestId: error.requestId });
      }
      const append = written > 0 && response.status === 206;
      if (written > 0 && !append) {
        // The server ignored the range: start over.
        context.onBytes(-written, 0);
        written = 0;
      }
      if (append) {
        try {
          checkContentRange(response.headers.get('content-range'), written, file, response.requestId);
        } catch (error) {
          // The bytes on disk cannot be trusted to continue this answer: start over next time.
          await rm(part, { force: true });
          throw error;
        }
      }
      const body = response.body;
      const idle = new AbortController();
      let timer = setTimeout(() => idle.abort(), idleTimeout);
      const signal = context.settings.signal ? AbortSignal.any([context.settings.signal, idle.signal]) : idle.signal;
      // A body that breaks off ends the file cleanly instead of destroying it: every byte that
      // arrived reaches the disk, and the error is rethrown once it has.
      let broken: { error: unknown } | undefined;
      const reader = body?.getReader();
      // Aborting (the caller, or the idle timer) must end a read that would otherwise wait forever.
      const cancel = () => void reader?.cancel().catch(() => {});
      signal.addEventListener('abort', cancel, { once: true });
      async function* received(): AsyncGenerator<Uint8Array> {
        if (!reader) return;
        try {
          for (;;) {
            const { value: chunk, done } = await reader.read();
            if (done || signal.aborted) break;
            clearTimeout(timer);
            timer = setTimeout(() => idle.abort(), idleTimeout);
            written += chunk.length;
            // A runaway server must not fill the disk: stop as soon as the file outgrows its listed size.
            if (file.length !== undefined && written > file.length) throw new ResponseValidationError(`${file.name} is longer than the ${file.length} bytes its listing says`, { body: '', status: response.status, requestId: response.requestId });
            context.onBytes(chunk.length, written);
            yield chunk;
          }
          if (signal.aborted) throw signal.reason;
        } catch (error) {
          if (signal.aborted || error instanceof ResponseValidationError) throw error;
          broken = { error };
        } finally {
          signal.removeEventListener('abort', cancel);
        }
      }
      try {
        await pipeline(received(), createWriteStream(part, { flags: append ? 'a' : 'w' }), { signal });
        if (broken) throw broken.error;
      } catch (error) {
        if (context.settings.signal?.aborted) throw context.settings.signal.reason;
        // A disk that is full or read-only will not get better by downloading again.
        if (isFileSystemError(error)) throw error;
        if (error instanceof ResponseValidationError) {
          await rm(part, { force: true });
          throw error;
        }
        // The body broke off or stalled: what reached the disk stays, and the next attempt resumes after it.
        const onDisk = (await sizeOf(part)) ?? 0;
        context.onBytes(onDisk - written, onDisk);
        written = onDisk;
        const reason = idle.signal.aborted ? `no data for ${idleTimeout} ms` : (error as Error).message;
        if (idle.signal.aborted) throw new TimeoutError(`Download of ${file.name} stalled at byte ${written}: ${reason}`, { timeout: idleTimeout, requestIds: [response.requestId] });
        throw new ConnectionError(`Download of ${file.name} broke off at byte ${written}: ${reason}`, { code: systemErrorCode(error), requestIds: [response.requestId] });
      } finally {
        clearTimeout(timer);
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
  return { name: file.name, path, bytes: written, skipped: false, resumes };
}

/** An error from the local file system (it has a `syscall` such as `open` or `write`), not from the network. */
function isFileSystemError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'syscall' in error && ['open', 'write', 'close', 'fsync', 'mkdir', 'rename'].includes(String((error as { syscall: unknown }).syscall));
}

function checkContentRange(header: string | null, offset: number, file: BatchFile, requestId: string): void {
  const start = header === null ? undefined : /^bytes (\d+)-/.exec(header)?.[1];
  if (start === undefined || Number(start) !== offset) {
    throw new ResponseValidationError(`Asked for ${file.name} from byte ${offset}, got Content-Range ${JSON.stringify(header)}`, { body: '', status: 206, requestId });
  }
}
