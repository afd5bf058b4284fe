/**
 * The simulated Segmentation Service export jobs API (`/export/jobs`): create, get, list with
 * Adobe's cursor pagination, and cancel, for callers the gateway has already let through. Jobs are
 * kept by the {@link JobStore}; how each one turns out over time is `outcome.ts`'s business.
 */
import { DEFAULT_PAGE_SIZE, DEFAULT_PROFILES_PER_SEGMENT, FIRST_JOB_ID, type SimulatedExportJob } from './options.js';
import type { SimulatedJobStatus, SimulatorDurations } from './options.js';
import type { Scope } from './gateway.js';
import { JobStore, type PageQuery } from './job-store.js';
import { renderJob, statusAt, type JobRecord } from './outcome.js';
import { jsonResponse, serviceError } from './responses.js';
import { decodeSegment, parseJson } from './util.js';
import { readCreateRequest, type StoredRequest } from './validate.js';

const NOT_FOUND_CODE = 'UPAPI-113430-404';
const INVALID_REQUEST_CODE = 'UPAPI-113434-400';
/** The code of a path the API has no route for. */
export const NO_ROUTE_CODE = 'UPAPI-113000-404';
const LIST_STATUSES: ReadonlySet<string> = new Set<SimulatedJobStatus>([
  'NEW',
  'PROCESSING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
]);
const NOT_JSON = 'There is a problem extracting the user JSON, field(s) missing or invalid. Correct and try again.';

/** What decides how a simulator's jobs turn out; fixed when the simulator is made. */
export interface JobSettings {
  durations: SimulatorDurations;
  failingSegments: ReadonlySet<string>;
  profilesPerSegment: number | Readonly<Record<string, number>>;
  maxJobs: number;
  /** How long after its creation a job starts to show in listings, in ms (`listVisibilityDelayMs`). */
  listVisibilityDelay: number;
}

export class ExportJobsService {
  readonly #settings: JobSettings;
  readonly #store: JobStore;
  #nextId = FIRST_JOB_ID;

  constructor(settings: JobSettings) {
    this.#settings = settings;
    this.#store = new JobStore(settings.maxJobs, settings.listVisibilityDelay);
  }

  /** Answers an authenticated request; `path` is the path after the base path. */
  answer(method: string, path: string, query: URLSearchParams, text: string, scope: Scope, now: number): Response {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'export' || parts[1] !== 'jobs' || parts.length > 3) {
      return serviceError(404, NO_ROUTE_CODE, [`The entity ${path} is not found.`], scope.requestId);
    }
    if (parts.length === 2) {
      if (method === 'GET') return this.#list(query, scope, now);
      if (method === 'POST') return this.#create(text, scope, now);
      return methodNotAllowed(method, path, scope.requestId, 'GET, POST');
    }
    if (method !== 'GET' && method !== 'DELETE') return methodNotAllowed(method, path, scope.requestId, 'GET, DELETE');
    const job = this.#find(decodeSegment(parts[2] ?? ''), scope);
    if (job instanceof Response) return job;
    if (method === 'GET') return jsonResponse(renderJob(job, now), 200);
    // Adobe documents no status for a cancelled job (the spec's enum has none, and the operation is
    // "cancel or delete"); the simulator reports CANCELLED, which the SDK keeps as an unknown status.
    // A finished job stays as it finished; the API gives the same answer either way.
    this.#store.cancel(job, now);
    return jsonResponse({ status: true, message: 'Export job has been marked for cancelling' }, 200);
  }

  /** Files a checked request as a new job created at `createdAt`. */
  add(request: StoredRequest, scope: Scope, createdAt: number, now: number): JobRecord {
    const segments = request.filter?.segments ?? [];
    const { durations, failingSegments } = this.#settings;
    const job: JobRecord = {
      id: this.#nextId++,
      orgId: scope.orgId,
      sandbox: scope.sandbox,
      createdAt,
      durations,
      request,
      requestId: scope.requestId,
      profileInstanceId: scope.profileInstanceId ?? 'ups',
      failingSegmentIds: segments.map((segment) => segment.segmentId).filter((id) => failingSegments.has(id)),
      profiles:
        segments.length === 0
          ? this.#profilesOf(undefined)
          : segments.reduce((sum, segment) => sum + this.#profilesOf(segment.segmentId), 0),
    };
    this.#store.add(job, now);
    return job;
  }

  job(id: number, now: number): SimulatedExportJob | undefined {
    const job = this.#store.get(id);
    return job && renderJob(job, now);
  }

  jobs(sandbox: string | undefined, now: number): SimulatedExportJob[] {
    return this.#store.list(sandbox).map((job) => renderJob(job, now));
  }

  /** The `SUCCEEDED` job whose destination names this batch, as it is at `now`. */
  succeededWith(batchId: string, now: number): { job: JobRecord; rendered: SimulatedExportJob } | undefined {
    const job = this.#store.byBatch(batchId);
    return job && statusAt(job, now) === 'SUCCEEDED' ? { job, rendered: renderJob(job, now) } : undefined;
  }

  reset(): void {
    this.#store.clear();
    this.#nextId = FIRST_JOB_ID;
  }

  #create(text: string, scope: Scope, now: number): Response {
    const parsed = parseJson(text);
    if (!parsed) return serviceError(400, INVALID_REQUEST_CODE, [NOT_JSON], scope.requestId);
    const read = readCreateRequest(parsed.value);
    if ('problems' in read) return serviceError(400, INVALID_REQUEST_CODE, read.problems, scope.requestId);
    const job = this.add(read.request, scope, now, now);
    return jsonResponse(renderJob(job, now), 200, { 'x-location': `/export/jobs/${job.id}` });
  }

  #profilesOf(segmentId: string | undefined): number {
    const setting = this.#settings.profilesPerSegment;
    if (typeof setting === 'number') return setting;
    return (segmentId !== undefined ? setting[segmentId] : undefined) ?? DEFAULT_PROFILES_PER_SEGMENT;
  }

  #find(rawId: string, scope: Scope): JobRecord | Response {
    const job = /^\d+$/.test(rawId) ? this.#store.get(Number(rawId)) : undefined;
    // Another sandbox's (or organization's) job answers exactly like a missing one: sandboxes are isolated.
    if (!job || job.orgId !== scope.orgId || job.sandbox !== scope.sandbox) {
      return serviceError(404, NOT_FOUND_CODE, [`Export job ${rawId} is not found.`], scope.requestId);
    }
    return job;
  }

  #list(query: URLSearchParams, scope: Scope, now: number): Response {
    const read = readListQuery(query);
    if ('problems' in read) return serviceError(400, INVALID_REQUEST_CODE, read.problems, scope.requestId);
    const { records, more } = this.#store.page(scope.orgId, scope.sandbox, read, now);
    const page = records.map((job) => renderJob(job, now));
    const last = page.at(-1);
    const pageOffset = last ? `${last.creationTime}_${last.id}` : '';
    const status = read.status === undefined ? '' : `&status=${read.status}`;
    // Relative and without the base path, exactly as Adobe sends it; the client resolves it.
    const next = more ? `/export/jobs/?limit=${read.limit}&offset=${pageOffset}${status}` : '';
    return jsonResponse(
      {
        records: page,
        page: { sortField: 'createdTime', sort: 'desc', pageOffset, pageSize: page.length },
        link: { next },
      },
      200,
    );
  }
}

/** A listing's query read: the page asked for, or every problem with it. */
function readListQuery(query: URLSearchParams): PageQuery | { problems: string[] } {
  const problems: string[] = [];
  const limitText = query.get('limit');
  const limit = limitText === null ? DEFAULT_PAGE_SIZE : /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit > 0)) problems.push(`limit must be a positive integer, got ${JSON.stringify(limitText)}`);
  const status = query.get('status') ?? undefined;
  if (status !== undefined && !LIST_STATUSES.has(status)) {
    problems.push(`status must be one of NEW, PROCESSING, SUCCEEDED, FAILED, CANCELLED, got ${JSON.stringify(status)}`);
  }
  const offset = query.get('offset') ?? undefined;
  const cursor = offset === undefined ? undefined : /^(\d+)_(\d+)$/.exec(offset);
  // One old tutorial passes a plain number: read as a count of records to skip.
  const skip = offset !== undefined && /^\d+$/.test(offset) ? Number(offset) : 0;
  if (offset !== undefined && !cursor && !/^\d+$/.test(offset)) {
    problems.push(`offset must be a cursor "{creationTime}_{id}" from a previous page, got ${JSON.stringify(offset)}`);
  }
  if (problems.length > 0) return { problems };
  const after = cursor ? { time: Number(cursor[1]), id: Number(cursor[2]) } : undefined;
  return { status: status as SimulatedJobStatus | undefined, after, skip, limit };
}

function methodNotAllowed(method: string, path: string, requestId: string, allow: string): Response {
  const response = serviceError(405, 'UPAPI-113405-405', [`Method ${method} is not supported on ${path}.`], requestId);
  response.headers.set('allow', allow);
  return response;
}
