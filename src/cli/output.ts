import Table from 'cli-table3';
import colors from 'yoctocolors';
import type { ExportJob } from '../index.js';
import type { CliIo } from './io.js';

/** One JSON document on stdout: what `--json` promises to machines. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const colourOf: Record<string, (text: string) => string> = {
  SUCCEEDED: colors.green,
  FAILED: colors.red,
  PROCESSING: colors.yellow,
  NEW: colors.cyan,
};

/** A job status, coloured when the stream is a terminal. */
export function statusLabel(status: string, tty: boolean): string {
  return tty ? (colourOf[status] ?? colors.dim)(status) : status;
}

const when = (epochMs: number | undefined) => (epochMs === undefined ? '' : new Date(epochMs).toISOString().replace('.000Z', 'Z'));

function batchesOf(job: ExportJob): string {
  const destination = job.destination;
  if (destination.segmentPerBatch) return destination.batches.map((batch) => `${batch.segmentId ?? '?'}:${batch.batchId ?? '-'}`).join(' ');
  return destination.batchId ?? '';
}

/** Jobs as a table for people. */
export function jobsTable(jobs: readonly ExportJob[], tty: boolean): string {
  const table = new Table({
    head: ['ID', 'STATUS', 'CREATED', 'DATASET', 'SEGMENTS', 'BATCH'],
    style: { head: tty ? ['bold'] : [], border: tty ? ['grey'] : [] },
    chars: tty ? {} : { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
  });
  for (const job of jobs) {
    const segments = (job.filter?.segments ?? []).map((segment) => segment.segmentId).join(' ');
    table.push([String(job.id), statusLabel(job.status, tty), when(job.creationTime), job.destination.datasetId, segments, batchesOf(job)]);
  }
  return `${table.toString()}\n`;
}

/** One job in detail for people. */
export function jobDetails(job: ExportJob, tty: boolean): string {
  const rows: Array<[string, string]> = [
    ['id', String(job.id)],
    ['status', statusLabel(job.status, tty)],
    ['created', when(job.creationTime)],
    ['updated', when(job.updateTime)],
    ['dataset', job.destination.datasetId],
    ['segment per batch', String(job.destination.segmentPerBatch)],
    ['batches', batchesOf(job)],
    ['segments', (job.filter?.segments ?? []).map((segment) => segment.segmentId).join(', ')],
    ['fields', job.fields ?? '(all)'],
    ['profiles exported', job.metrics?.totalExportedProfileCounter === undefined ? '' : String(job.metrics.totalExportedProfileCounter)],
  ];
  for (const error of job.errors ?? []) rows.push(['error', [error.code, error.msg].filter(Boolean).join(' ')]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows
    .filter(([, value]) => value !== '')
    .map(([label, value]) => `${(tty ? colors.dim : String)(label.padEnd(width))}  ${value}`)
    .join('\n')}\n`;
}
