/**
 * Whether a listed export job is the one a create request would have made, judged on what the API
 * echoes back: the destination dataset and `segmentPerBatch`, the schema, the fields, the merge
 * policy, and the filter's segments (with their namespaces and statuses) and time windows.
 *
 * A part the request gives but the job does not echo is not held against it (the API may leave it
 * out), and a part the request leaves to the API's default (a segment's statuses, the merge
 * policy's version) matches whatever default the API chose. A part the job has and the request
 * does not (fields, segments, a time window) means another job. Erring towards a match is the
 * safe side: a false match is reported or taken (see the known limit in docs/errors-and-retries.md),
 * while a missed one would have the create sent a second time.
 */
import type { NormalizedCreateExportJobRequest } from '../models/create-request.js';
import type { ExportJob } from '../models/export-job.js';
import type { SegmentFilter } from '../models/filter.js';

type RequestSegment = NonNullable<NonNullable<NormalizedCreateExportJobRequest['filter']>['segments']>[number];

/**
 * Whether `job` matches what `request` asked for, as the API echoes it.
 *
 * @example
 * ```ts
 * const body = validateCreateExportJobRequest(request);
 * const mine = records.filter((job) => matchesCreateRequest(job, body));
 * ```
 */
export function matchesCreateRequest(job: ExportJob, request: NormalizedCreateExportJobRequest): boolean {
  const { destination } = request;
  if (job.destination.datasetId !== destination.datasetId) return false;
  if (job.destination.segmentPerBatch !== destination.segmentPerBatch) return false;
  if (job.schema !== undefined && job.schema.name !== request.schema.name) return false;
  if (!sameFieldList(job.fields, request.fields)) return false;
  if (!sameFieldList(job.additionalFields?.eventList?.fields, request.additionalFields?.eventList?.fields))
    return false;
  if (request.mergePolicy !== undefined && job.mergePolicy !== undefined) {
    if (job.mergePolicy.id !== request.mergePolicy.id) return false;
    const { version } = request.mergePolicy;
    if (version !== undefined && job.mergePolicy.version !== undefined && job.mergePolicy.version !== version) {
      return false;
    }
  }
  const filter = request.filter ?? {};
  const echoed = job.filter ?? {};
  if (!sameSegments(echoed.segments ?? [], filter.segments ?? [])) return false;
  if (!sameTime(echoed.fromIngestTimestamp, filter.fromIngestTimestamp)) return false;
  if (!sameTime(echoed.segmentQualificationTime?.startTime, filter.segmentQualificationTime?.startTime)) return false;
  if (!sameTime(echoed.segmentQualificationTime?.endTime, filter.segmentQualificationTime?.endTime)) return false;
  if (echoed.emptyProfiles === true && filter.emptyProfiles !== true) return false;
  return !(filter.emptyProfiles === true && echoed.emptyProfiles === false);
}

/** Comma-separated field paths, compared as sets (order and spacing aside). */
function sameFieldList(echoed: string | undefined, asked: string | undefined): boolean {
  const mine = pathSet(asked);
  const theirs = pathSet(echoed);
  if (mine.size === 0) return theirs.size === 0;
  // Asked for, not echoed: the API left it out.
  if (echoed === undefined) return true;
  return mine.size === theirs.size && [...mine].every((path) => theirs.has(path));
}

function pathSet(list: string | undefined): Set<string> {
  return new Set(
    (list ?? '')
      .split(',')
      .map((path) => path.trim())
      .filter(Boolean),
  );
}

/** The same segments, each once per request segment, whatever the order. */
function sameSegments(echoed: readonly SegmentFilter[], asked: readonly RequestSegment[]): boolean {
  if (echoed.length !== asked.length) return false;
  const left = [...echoed];
  for (const segment of asked) {
    const at = left.findIndex((candidate) => sameSegment(candidate, segment));
    if (at === -1) return false;
    left.splice(at, 1);
  }
  return true;
}

function sameSegment(echoed: SegmentFilter, asked: RequestSegment): boolean {
  if (echoed.segmentId !== asked.segmentId) return false;
  // `ups` is the default namespace, sent back as `ups` or `UPS`.
  const namespace = (value: string | undefined) => (value ?? 'ups').toLowerCase();
  if (echoed.segmentNs !== undefined && namespace(echoed.segmentNs) !== namespace(asked.segmentNs)) return false;
  if (asked.status === undefined || echoed.status === undefined) return true;
  const mine = new Set(asked.status);
  const theirs = new Set(echoed.status);
  return mine.size === theirs.size && [...mine].every((status) => theirs.has(status));
}

/** RFC 3339 times compared as instants; one the request gives and the job does not echo is not held against it. */
function sameTime(echoed: string | undefined, asked: string | undefined): boolean {
  if (echoed === undefined) return true;
  if (asked === undefined) return false;
  const [a, b] = [Date.parse(echoed), Date.parse(asked)];
  return Number.isNaN(a) || Number.isNaN(b) ? echoed === asked : a === b;
}
