import pMap from 'p-map';
import { listBatchFiles, type BatchFile } from './resources/data-access.js';
import { checkFunction, checkMaxRetries, checkPositiveInteger, checkRequestOptions, requireText } from './options.js';
import { ConfigurationError } from './errors/configuration-error.js';
import { downloadFile } from './download/file.js';
import { planTargets } from './download/plan.js';
import type { DownloadedFile, DownloadOptions } from './download/types.js';

import type { Transport } from './internal/http/transport.js';

export type { DownloadedFile, DownloadOptions, DownloadProgress } from './download/types.js';

/**
 * Streams every file of a batch to disk, never holding a whole file in memory: bounded
 * concurrency, a `.part` file renamed once complete, resume with `Range` after a broken
 * connection (and across runs), a size check against the listing's `length`, progress events.
 * A file already complete on disk is skipped. The whole listing is checked before a byte is
 * written; nothing is ever written through a link the download did not create.
 */
export async function downloadBatchFiles(
  dataAccess: Transport,
  batchId: string,
  options: DownloadOptions,
): Promise<DownloadedFile[]> {
  const {
    dir,
    concurrency = 4,
    maxResumes = 5,
    onProgress,
    onFileDone,
    ...callSettings
  } = checkDownloadOptions(options);
  const { signal } = callSettings;
  const files = await listBatchFiles(dataAccess, batchId, callSettings);
  const targets = planTargets(dir, files);
  const state = {
    bytes: 0,
    filesDone: 0,
    totalBytes: files.every((file) => file.length !== undefined)
      ? files.reduce((sum, file) => sum + file.length!, 0)
      : undefined,
  };
  const report = (file: BatchFile, fileBytes: number) =>
    onProgress?.({
      file: file.name,
      fileBytes,
      fileSize: file.length,
      bytes: state.bytes,
      totalBytes: state.totalBytes,
      filesDone: state.filesDone,
      filesTotal: files.length,
    });

  // When one file fails, the others stop too (their .part files stay, to resume later).
  const stop = new AbortController();
  const settings = { ...callSettings, signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal };
  // The body has no deadline of its own (a file may take long), but it must keep moving.
  const idleTimeout = callSettings.timeout ?? dataAccess.config.timeout;
  return pMap(
    targets,
    async (target, index) => {
      const { file } = target;
      try {
        const result = await downloadFile(dataAccess, target, {
          maxResumes,
          settings,
          idleTimeout,
          onBytes: (added, fileBytes) => {
            state.bytes += added;
            report(file, fileBytes);
          },
        });
        state.filesDone++;
        report(file, result.bytes);
        onFileDone?.(result, index);
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
  checkRequestOptions(options);
  requireText('dir', options.dir);
  if (options.concurrency !== undefined) checkPositiveInteger('concurrency', options.concurrency);
  if (options.maxResumes !== undefined) checkMaxRetries('maxResumes', options.maxResumes);
  checkFunction('onProgress', options.onProgress);
  checkFunction('onFileDone', options.onFileDone);
  return options;
}
