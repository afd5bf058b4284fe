import type { RequestOptions } from '../options.js';

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
  /**
   * Told of each file once it is complete on disk (downloaded, or already there and skipped), in
   * the order they complete, with its position in the batch's listing (its index in the result).
   */
  onFileDone?: (file: DownloadedFile, index: number) => void;
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
