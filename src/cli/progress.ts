import yoctoSpinner from 'yocto-spinner';
import type { ExportJob, ExportSegmentsOptions, WaitOptions } from '../index.js';
import type { CliIo } from './io.js';
import { statusLabel } from './output.js';

/**
 * Progress of a wait on stderr: a live spinner line (status, elapsed time, polls) on a terminal,
 * a plain line per status change otherwise, nothing with `quiet`.
 */
export function waitProgress(io: CliIo, id: number | string, quiet: boolean): { callbacks: Pick<WaitOptions, 'onPoll' | 'onStatusChange'>; stop(finalLine?: string): void } {
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;
  if (quiet) return { callbacks: {}, stop: () => {} };
  if (!io.stderr.isTTY) {
    return {
      callbacks: {
        onStatusChange: (_previous: ExportJob | undefined, job: ExportJob) => io.stderr.write(`job ${id}: ${job.status} after ${elapsed()}\n`),
      },
      stop: (finalLine) => {
        if (finalLine) io.stderr.write(`${finalLine}\n`);
      },
    };
  }
  const spinner = yoctoSpinner({ text: `job ${id}: waiting`, stream: io.stderr as NodeJS.WriteStream }).start();
  let count = 0;
  const summary = () => `${elapsed()} · ${count} poll${count === 1 ? '' : 's'}`;
  return {
    callbacks: {
      onPoll: (job: ExportJob, polls: number) => {
        count = polls;
        spinner.text = `job ${id}: ${statusLabel(job.status, !io.env.NO_COLOR)} · ${summary()}`;
      },
    },
    stop: (finalLine) => {
      if (finalLine) spinner.stop(`${finalLine} · ${summary()}`);
      else spinner.stop();
    },
  };
}

/**
 * Progress of `export` on stderr: the job's status while it runs, then bytes downloaded; live on
 * a terminal, a line per step otherwise.
 */
export function exportProgress(io: CliIo, quiet: boolean): { callbacks: Pick<ExportSegmentsOptions, 'onCreated' | 'onPoll' | 'onStatusChange' | 'onDownloadProgress'>; stop(): void } {
  if (quiet) return { callbacks: {}, stop: () => {} };
  let wait: ReturnType<typeof waitProgress> | undefined;
  let lastPercent = -1;
  const spinner = io.stderr.isTTY ? yoctoSpinner({ text: 'downloading', stream: io.stderr as NodeJS.WriteStream }) : undefined;
  return {
    callbacks: {
      onCreated: (job) => {
        io.stderr.write(`Created export job ${job.id} into dataset ${job.destination.datasetId}\n`);
        wait = waitProgress(io, job.id, false);
      },
      onPoll: (job, polls) => wait?.callbacks.onPoll?.(job, polls),
      onStatusChange: (previous, job) => {
        wait?.callbacks.onStatusChange?.(previous, job);
        if (job.status === 'SUCCEEDED' || job.status === 'FAILED') wait?.stop(`job ${job.id}: ${job.status}`);
      },
      onDownloadProgress: (progress) => {
        const total = progress.totalBytes;
        const text = `batch ${progress.batchId}${progress.segmentId ? ` (${progress.segmentId})` : ''}: ${progress.filesDone}/${progress.filesTotal} files, ${progress.bytes}${total === undefined ? '' : `/${total}`} bytes`;
        if (spinner) {
          if (!spinner.isSpinning) spinner.start();
          spinner.text = text;
          return;
        }
        const percent = total ? Math.floor((progress.bytes / total) * 10) * 10 : -1;
        if (percent !== lastPercent || progress.filesDone === progress.filesTotal) {
          lastPercent = percent;
          io.stderr.write(`${text}\n`);
        }
      },
    },
    stop: () => {
      spinner?.stop();
    },
  };
}
