import type { ExportJob, WaitOptions } from '../../index.js';
import type { CliIo } from '../io.js';
import { jobDuration, statusLabel } from '../output/jobs.js';
import { formatDuration } from '../parse.js';
import { LiveLine } from './live-line.js';

export interface WaitSchedule {
  minDelay: number;
  maxDelay: number;
  maxWait: number;
}

export interface WaitProgress {
  callbacks: Pick<WaitOptions, 'onPoll' | 'onStatusChange'>;
  /** Ends the progress: with the finished job, a summary line; without, the line is cleared. */
  stop(job?: ExportJob): void;
  /** A line above the live one (or a plain line). */
  log(line: string): void;
}

/** The summary of a finished job: its status, how long the job itself ran, how long the CLI watched it. */
export function finishedLine(job: ExportJob, watched: number, polls: number, style: boolean): string {
  const ran = jobDuration(job);
  return (
    `job ${job.id}: ${statusLabel(job.status, style)}` +
    `${ran === undefined ? '' : ` · the job ran ${formatDuration(ran)}`}` +
    ` · watched ${formatDuration(watched)}, ${polls} poll${polls === 1 ? '' : 's'}`
  );
}

/**
 * Progress of a wait on stderr. On a terminal: a live line whose clock ticks between polls and
 * that counts down to the next poll. Otherwise (CI logs): a line per status change. Nothing with `quiet`.
 */
export function waitProgress(
  io: CliIo,
  id: number | string,
  options: WaitSchedule & { quiet: boolean; now?: () => number },
): WaitProgress {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.maxWait;
  const style = Boolean(io.stderr.isTTY) && !io.env.NO_COLOR;
  let polls = 0;
  let status: string | undefined;
  let nextPoll: number | undefined;
  if (options.quiet)
    return { callbacks: { onPoll: (_job, count) => void (polls = count) }, stop: () => {}, log: () => {} };

  if (!io.stderr.isTTY) {
    return {
      callbacks: {
        onPoll: (_job, count) => void (polls = count),
        onStatusChange: (_previous, job) => {
          // The final status gets the summary line from stop() instead.
          if (!['SUCCEEDED', 'FAILED'].includes(job.status))
            io.stderr.write(`job ${id}: ${statusLabel(job.status, false)} after ${formatDuration(now() - started)}\n`);
        },
      },
      stop: (job) => {
        if (job) io.stderr.write(`${finishedLine(job, now() - started, polls, false)}\n`);
      },
      log: (line) => io.stderr.write(`${line}\n`),
    };
  }

  const render = () => {
    const elapsed = formatDuration(now() - started);
    if (status === undefined) return `job ${id}: waiting · ${elapsed}`;
    if (status === 'SUCCEEDED' || status === 'FAILED') return `job ${id}: ${statusLabel(status, style)} · ${elapsed}`;
    const due = nextPoll === undefined ? 0 : nextPoll - now();
    const next = due > 500 ? `next poll in ${formatDuration(Math.ceil(due / 1000) * 1000)}` : 'polling…';
    return `job ${id}: ${statusLabel(status, style)} · ${elapsed} · ${next} · ${polls} poll${polls === 1 ? '' : 's'}`;
  };
  const line = new LiveLine(io.stderr, render);
  return {
    callbacks: {
      onPoll: (job, count) => {
        polls = count;
        status = job.status;
        // The SDK's schedule: minDelay doubling per poll up to maxDelay, jittered down by at most
        // 10 %, and never past the deadline; the ceiling is shown (the poll may come a little sooner).
        const ceiling = Math.min(options.maxDelay, options.minDelay * 2 ** (count - 1));
        nextPoll = Math.min(now() + ceiling, deadline);
        line.update();
      },
    },
    stop: (job) => line.stop(job ? finishedLine(job, now() - started, polls, style) : undefined),
    log: (text) => line.log(text),
  };
}
