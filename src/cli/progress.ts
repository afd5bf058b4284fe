import yoctoSpinner from 'yocto-spinner';
import type { ExportJob, WaitOptions } from '../index.js';
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
        spinner.text = `job ${id}: ${statusLabel(job.status, true)} · ${summary()}`;
      },
    },
    stop: (finalLine) => {
      if (finalLine) spinner.stop(`${finalLine} · ${summary()}`);
      else spinner.stop();
    },
  };
}
