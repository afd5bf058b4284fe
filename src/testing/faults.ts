import { trimTrailingSlashes } from './util.js';

/**
 * A failure to inject into the simulator's answers.
 *
 * - `status`: answer with this HTTP status instead (a 503 with `retryAfter: 2` sends `Retry-After: 2`).
 *   The default body is the gateway's `{ error_code, message }` for 429 and a platform problem
 *   (`{ type, title, status, detail }`) otherwise; `body` replaces it (an object is sent as JSON,
 *   a string as is, `null` as an empty body).
 * - `latency`: hold the answer back for `ms` real milliseconds (a `setTimeout`, so fake timers drive it).
 *   Latencies add up with each other and with a status or drop fault on the same request.
 * - `drop`: no answer at all; the connection is lost (msw: `HttpResponse.error()`; the loopback
 *   server destroys the socket; `simulator.fetch` rejects as undici does).
 *   With `afterBytes`, the connection is lost in the MIDDLE of the body instead: the simulator
 *   answers (status and headers, with the full `Content-Length`), sends that many bytes of the
 *   body, then the connection breaks. The loopback server destroys the socket after writing
 *   them; through `simulator.fetch` (and msw) the body stream errors with undici's
 *   `TypeError('terminated')` whose cause has code `UND_ERR_SOCKET`. A body no longer than
 *   `afterBytes` arrives whole. The simulator always acts on such a request (`when` is ignored).
 * - `applied-then-drop`: the simulator acts (a create does create the job), then the connection is
 *   lost before the answer: `drop` with `when: 'response'`, by name. The client cannot tell it from a
 *   drop before acting, which is what a create's reconciliation is tested with.
 * - `applied-then-status`: the simulator acts, then answers this status instead (`status` with
 *   `when: 'response'`, by name): a 503 or 500 after the job was made.
 *
 * A latency fault on a create is "applied, then slow": the job is made at once and the answer held
 * back, so a client `timeout` shorter than `ms` times out on a job that exists.
 *
 * @example
 * ```ts
 * simulator.inject({ kind: 'applied-then-drop' }, { match: { method: 'POST', path: '/export/jobs' } });
 * simulator.inject({ kind: 'applied-then-status', status: 503 }, { match: { method: 'POST' } });
 * ```
 */
export type SimulatedFault =
  | { kind: 'status'; status: number; retryAfter?: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'latency'; ms: number }
  | { kind: 'drop'; afterBytes?: number }
  | { kind: 'applied-then-drop' }
  | {
      kind: 'applied-then-status';
      status: number;
      retryAfter?: number;
      body?: unknown;
      headers?: Record<string, string>;
    };

/** The faults that end a request (all but latency), as the simulator applies them. */
type TerminalFault = Extract<SimulatedFault, { kind: 'status' | 'drop' }>;

/** Which of the simulated services a request went to. */
export type SimulatedService = 'export-jobs' | 'catalog' | 'data-access' | 'ims';

/** What faults are matched against: a request as the log records it. */
export interface FaultTarget {
  method: string;
  /** The recorded path (after the service's base path). */
  path: string;
  /** `undefined` for a request outside every service. */
  service: SimulatedService | undefined;
  query: URLSearchParams;
}

/**
 * Which requests a fault applies to, and how often.
 *
 * @example
 * ```ts
 * // The next two creates get a 503 asking to retry after 1 s:
 * simulator.inject({ kind: 'status', status: 503, retryAfter: 1 }, { times: 2, match: { method: 'POST' } });
 * // A tenth of all reads of one job lose their connection, until cleared:
 * simulator.inject({ kind: 'drop' }, { probability: 0.1, match: { method: 'GET', path: '/export/jobs/:id' } });
 * ```
 */
export interface FaultOptions {
  /**
   * How many requests the fault is applied to before it goes away. Default 1, or unlimited when
   * `probability` is given (a share of requests is a standing condition, not a one-off).
   */
  times?: number;
  /** The share of matching requests the fault hits, 0 to 1. Default 1. Rolled with the simulator's `random`. */
  probability?: number;
  /** Only requests matching all of these; default every request. */
  match?: {
    /** `GET`, `POST`, `DELETE` (any case). */
    method?: string;
    /**
     * The path as `simulator.requests` records it, without the query: for the API, the path after
     * the base path (`'/export/jobs'`, `'/export/jobs/:id'`); outside it, the full path, such as the
     * IMS token endpoint's `'/ims/token/v3'`. `:name` matches one segment and a trailing slash is
     * ignored; a RegExp is tested on the path as is.
     *
     * Without `path` (or `service`), a fault only hits API requests (export jobs, Catalog and
     * Data Access): the IMS token endpoint (and anything else outside the services) is only hit by
     * a fault whose `path` matches it, so a fault meant for the API (`{ method: 'POST' }`, or none
     * at all) is never used up by a client's token request. Catalog and Data Access paths are
     * recorded after their own base paths: `'/dataSets'`, `'/batches/:id/files'`, `'/files/:id'`.
     */
    path?: string | RegExp;
    /**
     * The service: `'export-jobs'`, `'catalog'`, `'data-access'` or `'ims'`. Naming `'ims'` lets
     * a fault without `path` hit the token endpoint.
     */
    service?: SimulatedService;
    /**
     * Query parameters: a string must equal the value, a RegExp must match it, `true` requires the
     * parameter and `false` its absence. `{ path: true }` on `/files/:id` picks file downloads
     * (`/files/{id}?path=...`) and leaves the file listings alone.
     */
    query?: Readonly<Record<string, string | RegExp | boolean>>;
  };
  /**
   * `'request'` (default): the fault replaces the simulator's work; nothing happens to the jobs.
   * `'response'`: the simulator acts first (a create does create the job) and then the answer is
   * replaced or lost, which is how to test that a client never creates a job twice.
   */
  when?: 'request' | 'response';
}

/** A fault that has been injected: how often it hit, how many hits are left, and a way to take it back. */
export interface InjectedFault {
  readonly fault: SimulatedFault;
  /** How many requests it has been applied to. */
  readonly hits: number;
  /** How many more requests it will be applied to (`Infinity` for a standing fault). */
  readonly remaining: number;
  /** Removes the fault now. */
  remove(): void;
}

/** What the faults decided for one request. */
export interface FaultDecision {
  delay: number;
  /** The status or drop fault that applies, if any, and when (`applied-then-*` faults arrive as their base kind). */
  terminal?: { fault: TerminalFault; when: 'request' | 'response' } | undefined;
  /** The kinds applied, for the request log. */
  applied: Array<SimulatedFault['kind']>;
}

interface Entry {
  /** The fault as given (what the handle and the request log show). */
  fault: SimulatedFault;
  /** What it does: an `applied-then-*` fault is its base kind, with `when` set to `'response'`. */
  effect: TerminalFault | Extract<SimulatedFault, { kind: 'latency' }>;
  remaining: number;
  hits: number;
  probability: number;
  method: string | undefined;
  path: RegExp | undefined;
  service: SimulatedService | undefined;
  query: ReadonlyArray<[string, string | RegExp | boolean]>;
  when: 'request' | 'response';
}

const API_SERVICES: ReadonlySet<SimulatedService | undefined> = new Set(['export-jobs', 'catalog', 'data-access']);

/** The faults injected into one simulator, in injection order. */
export class FaultList {
  #entries: Entry[] = [];

  add(fault: SimulatedFault, options: FaultOptions = {}): InjectedFault {
    const entry = makeEntry(fault, options);
    this.#entries.push(entry);
    const entries = () => this.#entries;
    const drop = (target: Entry) => {
      this.#entries = this.#entries.filter((candidate) => candidate !== target);
    };
    return {
      fault: entry.fault,
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entries().includes(entry) ? entry.remaining : 0;
      },
      remove: () => drop(entry),
    };
  }

  clear(): void {
    this.#entries = [];
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * Decides which faults hit one request, and uses them up. Latencies all apply; the first status
   * or drop fault that hits wins, and later ones are left untouched for the next request. A request
   * outside the API (`api: false`) is only hit by faults that name a matching path.
   */
  decide(target: FaultTarget, random: () => number): FaultDecision {
    const decision: FaultDecision = { delay: 0, applied: [] };
    for (const entry of [...this.#entries]) {
      const terminal = entry.fault.kind !== 'latency';
      if (terminal && decision.terminal) continue;
      if (entry.method !== undefined && entry.method !== target.method.toUpperCase()) continue;
      if (entry.service !== undefined && entry.service !== target.service) continue;
      if (
        entry.path === undefined
          ? entry.service === undefined && !API_SERVICES.has(target.service)
          : !entry.path.test(target.path)
      )
        continue;
      if (!entry.query.every(([name, expected]) => queryMatches(target.query.get(name), expected))) continue;
      if (entry.probability < 1 && !(random() < entry.probability)) continue;
      entry.hits += 1;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.#entries = this.#entries.filter((candidate) => candidate !== entry);
      decision.applied.push(entry.fault.kind);
      if (entry.effect.kind === 'latency') decision.delay += entry.effect.ms;
      else decision.terminal = { fault: entry.effect, when: entry.when };
    }
    return decision;
  }
}

function makeEntry(fault: SimulatedFault, options: FaultOptions): Entry {
  if (typeof fault !== 'object' || fault === null)
    throw new TypeError('inject() needs a fault such as { kind: "status", status: 503 }');
  const effect = effectOf(fault);
  switch (effect.kind) {
    case 'status':
      if (!(Number.isInteger(effect.status) && effect.status >= 200 && effect.status <= 599)) {
        throw new RangeError(`A status fault needs an HTTP status from 200 to 599, got ${String(effect.status)}`);
      }
      if (effect.retryAfter !== undefined && !(Number.isFinite(effect.retryAfter) && effect.retryAfter >= 0)) {
        throw new RangeError(`retryAfter is in seconds and must be >= 0, got ${String(effect.retryAfter)}`);
      }
      break;
    case 'latency':
      if (!(Number.isFinite(effect.ms) && effect.ms >= 0))
        throw new RangeError(`A latency fault needs ms >= 0, got ${String(effect.ms)}`);
      break;
    case 'drop':
      if (effect.afterBytes !== undefined && !(Number.isSafeInteger(effect.afterBytes) && effect.afterBytes >= 0)) {
        throw new RangeError(
          `A drop fault's afterBytes must be a whole number of bytes >= 0, got ${String(effect.afterBytes)}`,
        );
      }
      break;
  }
  const probability = options.probability ?? 1;
  if (!(probability >= 0 && probability <= 1))
    throw new RangeError(`probability must be between 0 and 1, got ${String(options.probability)}`);
  const times = options.times ?? (options.probability === undefined ? 1 : Infinity);
  if (!(times === Infinity || (Number.isInteger(times) && times > 0)))
    throw new RangeError(`times must be a positive integer or Infinity, got ${String(times)}`);
  const service = options.match?.service;
  if (service !== undefined && !['export-jobs', 'catalog', 'data-access', 'ims'].includes(service)) {
    throw new TypeError(
      `match.service must be 'export-jobs', 'catalog', 'data-access' or 'ims', got ${JSON.stringify(service)}`,
    );
  }
  const applied = fault.kind === 'applied-then-drop' || fault.kind === 'applied-then-status';
  if (applied && options.when === 'request') {
    throw new TypeError(`A ${fault.kind} fault always acts first: leave out when, or give 'response'`);
  }
  const when = applied ? 'response' : (options.when ?? 'request');
  if (when !== 'request' && when !== 'response')
    throw new TypeError(`when must be 'request' or 'response', got ${JSON.stringify(when)}`);
  return {
    fault: { ...fault },
    effect,
    remaining: times,
    hits: 0,
    probability,
    method: options.match?.method?.toUpperCase(),
    path: pathMatcher(options.match?.path),
    service: options.match?.service,
    query: Object.entries(options.match?.query ?? {}),
    when,
  };
}

/** What a fault does: `applied-then-*` faults are `drop` and `status` applied after the simulator acts. */
function effectOf(fault: SimulatedFault): Entry['effect'] {
  switch (fault.kind) {
    case 'status':
    case 'latency':
    case 'drop':
      return { ...fault };
    case 'applied-then-drop':
      return { kind: 'drop' };
    case 'applied-then-status': {
      const { kind: _kind, ...rest } = fault;
      return { kind: 'status', ...rest };
    }
    default:
      throw new TypeError(
        `Unknown fault kind ${JSON.stringify((fault as { kind?: unknown }).kind)}: use 'status', 'latency', 'drop', ` +
          `'applied-then-drop' or 'applied-then-status'`,
      );
  }
}

function queryMatches(value: string | null, expected: string | RegExp | boolean): boolean {
  if (expected === true) return value !== null;
  if (expected === false) return value === null;
  if (value === null) return false;
  return typeof expected === 'string' ? value === expected : expected.test(value);
}

function pathMatcher(path: string | RegExp | undefined): RegExp | undefined {
  if (path === undefined || path instanceof RegExp) return path;
  const trimmed = trimTrailingSlashes(path) || '/';
  const pattern = trimmed
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern === '/' ? '' : pattern}/?$`);
}
