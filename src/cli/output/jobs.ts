// How jobs are shown: the fields a user can pick (`--fields`), the table of `list`, the details of
// `get`. Every server string goes through cleanLine; every time through `when`, which never throws
// (a `creationTime` of 1e300 is a number the SDK accepts, and not a date).
import colors from 'yoctocolors';
import type { ExportJob } from '../../index.js';
import { FIELD_NAMES, type FieldName } from '../names.js';
import { formatDuration } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { toJson } from './json.js';
import { cleanLine, pad } from './sanitize.js';
import { renderTable, type Column } from './table.js';

const statusColour: Record<string, (text: string) => string> = {
  SUCCEEDED: colors.green,
  FAILED: colors.red,
  PROCESSING: colors.yellow,
  NEW: colors.cyan,
};

/** A job status, coloured when `style`. */
export function statusLabel(status: string, style: boolean): string {
  const text = cleanLine(status);
  return style ? (statusColour[text] ?? colors.dim)(text) : text;
}

/** An epoch-ms time as ISO 8601 UTC, or the number itself when it is no date. */
export function when(epochMs: unknown): string {
  if (typeof epochMs !== 'number') return '';
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? String(epochMs) : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** How long the job itself ran, from its own timestamps (not from when the CLI started watching). */
export function jobDuration(job: ExportJob): number | undefined {
  const { creationTime, updateTime } = job;
  if (typeof updateTime !== 'number' || typeof creationTime !== 'number') return undefined;
  const duration = updateTime - creationTime;
  return Number.isFinite(duration) && duration >= 0 && duration < 1e13 ? duration : undefined;
}

const segmentIds = (job: ExportJob) =>
  (job.filter?.segments ?? []).map((segment) => cleanLine(String(segment.segmentId)));

function batchPairs(job: ExportJob): Array<{ segmentId?: string; batchId: string }> {
  const destination = job.destination;
  if (destination.segmentPerBatch) {
    return destination.batches.map((batch) => ({
      segmentId: cleanLine(batch.segmentId ?? '?'),
      batchId: cleanLine(batch.batchId ?? ''),
    }));
  }
  return destination.batchId ? [{ batchId: cleanLine(destination.batchId) }] : [];
}

/** One field a user can pick: its column header, its text in a table, its value in JSON. */
interface Field {
  header: string;
  text(job: ExportJob): string;
  json(job: ExportJob): unknown;
  priority: number;
  truncate: boolean;
  min?: number;
}

// Short names for what people look at; any other name is a path into the job's JSON.
const FIELDS: Record<FieldName, Field> = {
  id: { header: 'ID', text: (job) => String(job.id), json: (job) => job.id, priority: 100, truncate: false },
  status: {
    header: 'STATUS',
    text: (job) => cleanLine(job.status),
    json: (job) => job.status,
    priority: 90,
    truncate: false,
  },
  created: {
    header: 'CREATED',
    text: (job) => when(job.creationTime),
    json: (job) => job.creationTime,
    priority: 40,
    truncate: false,
  },
  updated: {
    header: 'UPDATED',
    text: (job) => when(job.updateTime),
    json: (job) => job.updateTime,
    priority: 30,
    truncate: false,
  },
  duration: {
    header: 'DURATION',
    text: (job) => {
      const duration = jobDuration(job);
      return duration === undefined ? '' : formatDuration(duration);
    },
    json: (job) => jobDuration(job) ?? null,
    priority: 35,
    truncate: false,
  },
  dataset: {
    header: 'DATASET',
    text: (job) => cleanLine(job.destination.datasetId),
    json: (job) => job.destination.datasetId,
    priority: 60,
    truncate: true,
    min: 10,
  },
  segments: {
    header: 'SEGMENTS',
    text: (job) => segmentIds(job).join(', '),
    json: (job) => (job.filter?.segments ?? []).map((segment) => segment.segmentId),
    priority: 50,
    truncate: true,
    min: 10,
  },
  batches: {
    header: 'BATCHES',
    // One job with a batch per segment would make a row hundreds of columns wide: a count instead.
    text: (job) => {
      const pairs = batchPairs(job);
      return job.destination.segmentPerBatch
        ? `${pairs.length} batch${pairs.length === 1 ? '' : 'es'}`
        : (pairs[0]?.batchId ?? '');
    },
    json: (job) => batchPairs(job),
    priority: 20,
    truncate: true,
    min: 9,
  },
  profiles: {
    header: 'PROFILES',
    text: (job) => String(job.metrics?.totalExportedProfileCounter ?? ''),
    json: (job) => job.metrics?.totalExportedProfileCounter ?? null,
    priority: 25,
    truncate: false,
  },
  fields: {
    header: 'FIELDS',
    text: (job) => cleanLine(job.fields ?? '(all)'),
    json: (job) => job.fields ?? null,
    priority: 10,
    truncate: true,
    min: 8,
  },
};

export const DEFAULT_LIST_FIELDS = ['id', 'status', 'created', 'dataset', 'segments', 'batches'];

/** `--fields a,b.c`: short names, or paths into the job's JSON (`destination.datasetId`, `metrics`). */
export function parseFields(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0 || names.some((name) => !/^[A-Za-z_$][\w$]*(\.[\w$]+)*$/.test(name))) {
    throw new UsageError(
      `--fields takes a comma-separated list such as id,status,destination.datasetId (short names: ${FIELD_NAMES.join(', ')}); got ${JSON.stringify(text)}`,
    );
  }
  return names;
}

function fieldOf(name: string): Field {
  const known = (FIELD_NAMES as readonly string[]).includes(name) ? FIELDS[name as FieldName] : undefined;
  if (known) return known;
  const value = (job: ExportJob) =>
    name
      .split('.')
      .reduce<unknown>(
        (at, key) =>
          at !== null && typeof at === 'object' && Object.hasOwn(at, key)
            ? (at as Record<string, unknown>)[key]
            : undefined,
        job,
      );
  return {
    header: name.toUpperCase(),
    text: (job) => {
      const found = value(job);
      return found === undefined ? '' : cleanLine(typeof found === 'string' ? found : toJson(found, 0));
    },
    json: (job) => value(job) ?? null,
    priority: 45,
    truncate: true,
    min: 8,
  };
}

/** A job reduced to the picked fields, keyed by the names given, as `gh --json a,b` does. */
export function pickFields(job: ExportJob, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, fieldOf(name).json(job)]));
}

/** Jobs as a compact table fitted to `width` columns (no width: nothing cut). */
export function jobsTable(
  jobs: readonly ExportJob[],
  options: { width?: number | undefined; style: boolean; fields?: readonly string[] | undefined },
): string {
  const names = options.fields ?? DEFAULT_LIST_FIELDS;
  const columns: Column[] = names.map((name) => {
    const field = fieldOf(name);
    return {
      header: field.header,
      cells: jobs.map((job) => field.text(job)),
      priority: field.priority,
      truncate: field.truncate,
      ...(field.min === undefined ? {} : { min: field.min }),
      ...(name === 'status' ? { colour: (cell: string) => statusLabel(cell, true) } : {}),
    };
  });
  return renderTable(columns, { width: options.width, style: options.style });
}

/** One job in detail for people, one field per line; batches of a job with a batch per segment one per line. */
export function jobDetails(
  job: ExportJob,
  options: { style: boolean; fields?: readonly string[] | undefined },
): string {
  const label = (text: string) => (options.style ? colors.dim(text) : text);
  let rows: Array<[string, string]>;
  if (options.fields) rows = options.fields.map((name) => [name, fieldOf(name).text(job)]);
  else {
    const duration = jobDuration(job);
    rows = [
      ['id', String(job.id)],
      ['status', statusLabel(job.status, options.style)],
      ['created', when(job.creationTime)],
      ['updated', when(job.updateTime)],
      ['duration', duration === undefined ? '' : formatDuration(duration)],
      ['dataset', cleanLine(job.destination.datasetId)],
      ['segment per batch', String(job.destination.segmentPerBatch)],
      ...batchPairs(job).map(({ segmentId, batchId }): [string, string] => [
        'batch',
        segmentId === undefined ? batchId : `${batchId || '-'}  (segment ${segmentId})`,
      ]),
      ['segments', segmentIds(job).join(', ')],
      ['fields', cleanLine(job.fields ?? '(all)')],
      [
        'profiles exported',
        job.metrics?.totalExportedProfileCounter === undefined ? '' : String(job.metrics.totalExportedProfileCounter),
      ],
    ];
    for (const error of job.errors ?? [])
      rows.push(['error', cleanLine([error.code, error.msg].filter(Boolean).join(' '))]);
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  const shown = rows.filter(([, value]) => value !== '');
  return `${shown.map(([name, value]) => `${label(pad(name, width))}  ${value}`).join('\n')}\n`;
}
