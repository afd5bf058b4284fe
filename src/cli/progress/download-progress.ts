import cliProgress from 'cli-progress';
import type { ExportSegmentsOptions } from '../../index.js';
import type { CliIo } from '../io.js';
import { cleanLine } from '../output/sanitize.js';
import { formatBytes, formatDuration } from '../parse.js';

type DownloadEvent = Parameters<NonNullable<ExportSegmentsOptions['onDownloadProgress']>>[0];

/** How often the plain (not a terminal) form prints a line, at most, in ms; plus a line per finished batch. */
const PLAIN_EVERY = 5_000;

/**
 * Progress of the downloads of `export` on stderr, one batch at a time (the SDK downloads the
 * batches in turn). On a terminal: a bar with bytes, rate, ETA and files. Otherwise: a plain line
 * every 5 s and one when a batch is done, as CI logs want.
 */
export function downloadProgress(
  io: CliIo,
  options: { quiet: boolean; now?: () => number },
): { onDownloadProgress: (event: DownloadEvent) => void; stop(): void } {
  const now = options.now ?? Date.now;
  if (options.quiet) return { onDownloadProgress: () => {}, stop: () => {} };
  let batch: string | undefined;
  let started = 0;
  let lastLine = 0;
  let last: DownloadEvent | undefined;
  let bar: cliProgress.SingleBar | undefined;

  const describe = (event: DownloadEvent) => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const rate = event.bytes / seconds;
    const total = event.totalBytes;
    const eta = total !== undefined && rate > 0 ? formatDuration(((total - event.bytes) / rate) * 1000) : '?';
    return {
      bytes: `${formatBytes(event.bytes)}${total === undefined ? '' : ` / ${formatBytes(total)}`}`,
      rate: `${formatBytes(Math.round(rate))}/s`,
      eta,
      files: `${event.filesDone}/${event.filesTotal} files`,
      batch: `batch ${cleanLine(event.batchId)}${event.segmentId ? ` (segment ${cleanLine(event.segmentId)})` : ''}`,
    };
  };
  const plainLine = (event: DownloadEvent) => {
    const parts = describe(event);
    const percent = event.totalBytes ? ` (${Math.floor((event.bytes / event.totalBytes) * 100)}%)` : '';
    const done = event.filesDone === event.filesTotal;
    return `${parts.batch}: ${parts.files}, ${parts.bytes}${percent}, ${parts.rate}${done ? '' : `, ETA ${parts.eta}`}`;
  };
  const finishBatch = () => {
    if (bar) {
      bar.stop();
      bar = undefined;
    } else if (last && !io.stderr.isTTY) io.stderr.write(`${plainLine(last)}\n`);
  };

  return {
    onDownloadProgress: (event) => {
      if (event.batchId !== batch) {
        finishBatch();
        batch = event.batchId;
        started = now();
        lastLine = started;
        if (io.stderr.isTTY) {
          bar = new cliProgress.SingleBar({
            stream: io.stderr as NodeJS.WriteStream,
            format: (_options, params) => {
              const parts = describe(last ?? event);
              const width = 20;
              const filled = Math.round(Math.min(1, params.progress) * width);
              const percent = `${Math.floor(params.progress * 100)}%`.padStart(4);
              const current = last ?? event;
              const timing =
                current.filesDone === current.filesTotal
                  ? `done in ${formatDuration(now() - started)}`
                  : `ETA ${parts.eta}`;
              return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent} · ${parts.bytes} · ${parts.rate} · ${timing} · ${parts.files} · ${parts.batch}`;
            },
            // The CLI owns Ctrl-C (see live-line.ts): no SIGINT handler of the bar's own.
            gracefulExit: false,
            hideCursor: false,
            linewrap: false,
            fps: 10,
          });
          bar.start(event.totalBytes ?? 0, 0);
        }
      }
      last = event;
      if (bar) {
        if (event.totalBytes !== undefined) bar.setTotal(event.totalBytes);
        bar.update(event.bytes);
      } else if (now() - lastLine >= PLAIN_EVERY && event.filesDone < event.filesTotal) {
        lastLine = now();
        io.stderr.write(`${plainLine(event)}\n`);
      }
      if (event.filesDone === event.filesTotal && bar) {
        bar.update(event.bytes);
      }
    },
    stop: () => {
      finishBatch();
      last = undefined;
    },
  };
}
