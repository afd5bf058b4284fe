/**
 * Where the simulated jobs live: by id, by batch id, and per sandbox in listing order (newest
 * first), so that a page of a listing costs O(limit + log N) however many jobs the sandbox holds,
 * with a status filter too.
 *
 * A status filter needs no scan because every job of a simulator has the same durations: at any
 * time, the jobs not cancelled are `NEW` down to some creation time, then `PROCESSING`, then
 * finished, so each status is one run of the listing found by binary search. Cancelled jobs
 * (always `CANCELLED`) and failing ones (`FAILED` instead of `SUCCEEDED`) are kept in lists of
 * their own so that no run has holes.
 */
import { finishTime, processingStart, batchIdsOf, type JobRecord } from './outcome.js';
import type { SimulatedJobStatus } from './options.js';
import { SortedList } from './sorted-list.js';

/** What a listing asks for: a status, where to start (a cursor, or a count to skip) and how many. */
export interface PageQuery {
  status: SimulatedJobStatus | undefined;
  /** Start after this job: the creation time and id of the last record of the previous page. */
  after: { time: number; id: number } | undefined;
  skip: number;
  limit: number;
}

/** The jobs of one organization's sandbox, each list newest first. */
interface Sandbox {
  all: SortedList<JobRecord>;
  /** Not cancelled: `NEW`, `PROCESSING`, `SUCCEEDED` or `FAILED` depending on the time. */
  active: SortedList<JobRecord>;
  /** Active, and will succeed. */
  succeeding: SortedList<JobRecord>;
  /** Active, and will fail. */
  failing: SortedList<JobRecord>;
  cancelled: SortedList<JobRecord>;
}

export function newestFirst(a: JobRecord, b: JobRecord): number {
  return b.createdAt - a.createdAt || b.id - a.id;
}

export class JobStore {
  readonly #maxJobs: number;
  readonly #visibilityDelay: number;
  #byId = new Map<number, JobRecord>();
  #byBatch = new Map<string, JobRecord>();
  #sandboxes = new Map<string, Sandbox>();

  /**
   * `maxJobs`: the most jobs a sandbox keeps, its oldest finished ones dropped beyond it.
   * `visibilityDelay`: how long after its creation a job starts to show in a page, in ms.
   */
  constructor(maxJobs: number, visibilityDelay = 0) {
    this.#maxJobs = maxJobs;
    this.#visibilityDelay = visibilityDelay;
  }

  get(id: number): JobRecord | undefined {
    return this.#byId.get(id);
  }

  /** The job whose destination names this batch id, if it is still kept. */
  byBatch(batchId: string): JobRecord | undefined {
    return this.#byBatch.get(batchId);
  }

  /** Every job kept, of one sandbox (any organization) when given, newest first. */
  list(sandbox?: string): JobRecord[] {
    return [...this.#byId.values()].filter((job) => sandbox === undefined || job.sandbox === sandbox).sort(newestFirst);
  }

  add(job: JobRecord, now: number): void {
    this.#byId.set(job.id, job);
    for (const batchId of batchIdsOf(job)) this.#byBatch.set(batchId, job);
    const sandbox = this.#sandbox(job);
    sandbox.all.insert(job);
    sandbox.active.insert(job);
    (job.failingSegmentIds.length > 0 ? sandbox.failing : sandbox.succeeding).insert(job);
    this.#trim(sandbox, now);
  }

  /** Cancels a job that has not finished by `now`; a finished one stays as it finished. */
  cancel(job: JobRecord, now: number): void {
    if (job.cancelledAt !== undefined || now >= finishTime(job)) return;
    const sandbox = this.#sandbox(job);
    sandbox.active.delete(job);
    (job.failingSegmentIds.length > 0 ? sandbox.failing : sandbox.succeeding).delete(job);
    job.cancelledAt = now;
    sandbox.cancelled.insert(job);
  }

  /** One page of a sandbox's listing at `now`, and whether more records follow it. */
  page(orgId: string, sandboxName: string, query: PageQuery, now: number): { records: JobRecord[]; more: boolean } {
    const sandbox = this.#sandboxes.get(key(orgId, sandboxName));
    if (!sandbox) return { records: [], more: false };
    const { list, from: runStart, to } = run(sandbox, query.status, now);
    // Jobs not yet visible are the newest ones, so a run of the list's head: skipped, like a
    // listing served from a replica that has not caught up.
    const visibleFrom = now - this.#visibilityDelay;
    const from =
      this.#visibilityDelay > 0
        ? Math.max(
            runStart,
            list.firstWhere((job) => job.createdAt <= visibleFrom),
          )
        : runStart;
    const { after } = query;
    const start = after
      ? Math.max(
          from,
          list.firstWhere((job) => job.createdAt < after.time || (job.createdAt === after.time && job.id < after.id)),
        )
      : from + query.skip;
    const end = Math.max(start, Math.min(to, start + query.limit));
    return { records: list.slice(start, end), more: end < to };
  }

  clear(): void {
    this.#byId = new Map();
    this.#byBatch = new Map();
    this.#sandboxes = new Map();
  }

  #sandbox(job: JobRecord): Sandbox {
    const id = key(job.orgId, job.sandbox);
    let sandbox = this.#sandboxes.get(id);
    if (!sandbox) {
      const list = () => new SortedList<JobRecord>(newestFirst);
      sandbox = { all: list(), active: list(), succeeding: list(), failing: list(), cancelled: list() };
      this.#sandboxes.set(id, sandbox);
    }
    return sandbox;
  }

  /** Drops the sandbox's oldest finished jobs while it holds more than `maxJobs`. */
  #trim(sandbox: Sandbox, now: number): void {
    while (sandbox.all.size > this.#maxJobs) {
      // The oldest active job is the first to finish; a cancelled one is finished whatever its age.
      const active = sandbox.active.last();
      const finished = active && finishTime(active) <= now ? active : undefined;
      const cancelled = sandbox.cancelled.last();
      const oldest =
        finished && cancelled ? (newestFirst(finished, cancelled) > 0 ? finished : cancelled) : (finished ?? cancelled);
      if (!oldest) return;
      this.#drop(sandbox, oldest);
    }
  }

  #drop(sandbox: Sandbox, job: JobRecord): void {
    for (const list of [sandbox.all, sandbox.active, sandbox.succeeding, sandbox.failing, sandbox.cancelled])
      list.delete(job);
    this.#byId.delete(job.id);
    for (const batchId of batchIdsOf(job)) if (this.#byBatch.get(batchId) === job) this.#byBatch.delete(batchId);
  }
}

/** The list a status is read from, and the run of it that has that status at `now`. */
function run(
  sandbox: Sandbox,
  status: SimulatedJobStatus | undefined,
  now: number,
): { list: SortedList<JobRecord>; from: number; to: number } {
  const started = (job: JobRecord) => processingStart(job) <= now;
  const finished = (job: JobRecord) => finishTime(job) <= now;
  switch (status) {
    case undefined:
      return { list: sandbox.all, from: 0, to: sandbox.all.size };
    case 'CANCELLED':
      return { list: sandbox.cancelled, from: 0, to: sandbox.cancelled.size };
    case 'NEW':
      return { list: sandbox.active, from: 0, to: sandbox.active.firstWhere(started) };
    case 'PROCESSING':
      return {
        list: sandbox.active,
        from: sandbox.active.firstWhere(started),
        to: sandbox.active.firstWhere(finished),
      };
    case 'SUCCEEDED':
      return { list: sandbox.succeeding, from: sandbox.succeeding.firstWhere(finished), to: sandbox.succeeding.size };
    case 'FAILED':
      return { list: sandbox.failing, from: sandbox.failing.firstWhere(finished), to: sandbox.failing.size };
  }
}

function key(orgId: string, sandbox: string): string {
  return `${orgId}\n${sandbox}`;
}
