/**
 * The simulator's services built from its options, and the way in for every request it answers:
 * which service it is for, its body (read up to the size cap), the log entry, the injected faults,
 * then the service's answer.
 */
import { SimulatedCatalog, viewIdOf } from './catalog.js';
import type { SimulatorClock } from './clock.js';
import { SimulatedDataAccess, type BatchOwner } from './data-access.js';
import { cutBody, type DispatchOptions, type SimulatorOutcome } from './delivery.js';
import { ExportJobsService, NO_ROUTE_CODE } from './export-jobs.js';
import { FaultList, type SimulatedFault, type SimulatedService } from './faults.js';
import { bodyTooLarge, Gateway, readCappedText } from './gateway.js';
import { imsFaultBody, SimulatedIms, SIMULATOR_IMS_PATH } from './ims.js';
import {
  DEFAULT_DURATIONS,
  DEFAULT_MAX_REQUEST_BODY_BYTES,
  DEFAULT_PROFILES_PER_SEGMENT,
  type ExportJobsSimulatorOptions,
  type SimulatorDurations,
} from './options.js';
import { RequestLog } from './request-log.js';
import { faultBody, faultResponse, serviceError } from './responses.js';
import { decodeSegment, trimTrailingSlashes } from './util.js';

/** The parts of one simulator a request may reach. */
export interface Services {
  clock: SimulatorClock;
  random: () => number;
  maxRequestBodyBytes: number;
  catalogBasePath: string;
  dataAccessBasePath: string;
  gateway: Gateway;
  ims: SimulatedIms;
  catalog: SimulatedCatalog;
  dataAccess: SimulatedDataAccess;
  jobs: ExportJobsService;
  faults: FaultList;
  log: RequestLog;
}

/** Builds a simulator's services from its options, checking them. */
export function createServices(
  options: ExportJobsSimulatorOptions,
  paths: { clock: SimulatorClock; catalogBasePath: string; dataAccessBasePath: string },
): Services {
  const { clock } = paths;
  const now = () => clock.now();
  const ims = new SimulatedIms({ ...options.ims }, clock);
  const catalog = new SimulatedCatalog(now);
  const jobs = new ExportJobsService({
    durations: readDurations(options.durations),
    failingSegments: new Set(options.failingSegments ?? []),
    profilesPerSegment: options.profilesPerSegment ?? DEFAULT_PROFILES_PER_SEGMENT,
    maxJobs: wholeNumber('maxJobs', options.maxJobs ?? Infinity, 1),
    listVisibilityDelay: milliseconds('listVisibilityDelayMs', options.listVisibilityDelayMs ?? 0),
  });
  // The finished export a batch id belongs to: a `SUCCEEDED` job whose destination names it.
  const owner = (batchId: string): BatchOwner | undefined => {
    const found = jobs.succeededWith(batchId, now());
    if (!found) return undefined;
    const { job, rendered } = found;
    const datasetId = rendered.destination.datasetId;
    const viewId = catalog.get(datasetId)?.viewId ?? viewIdOf(datasetId);
    // With segmentPerBatch a batch holds its segment's profiles; otherwise the job's total.
    const segmentId = rendered.destination.segmentPerBatch
      ? rendered.destination.batches.find((batch) => batch.batchId === batchId)?.segmentId
      : undefined;
    const perSegment = options.profilesPerSegment ?? DEFAULT_PROFILES_PER_SEGMENT;
    const count =
      segmentId === undefined
        ? job.profiles
        : typeof perSegment === 'number'
          ? perSegment
          : (perSegment[segmentId] ?? DEFAULT_PROFILES_PER_SEGMENT);
    const profiles = { count, fields: job.request.fields };
    return {
      datasetId,
      viewId,
      orgId: job.orgId,
      sandbox: job.sandbox,
      created: rendered.updateTime ?? now(),
      profiles,
    };
  };
  return {
    clock,
    random: options.random ?? Math.random,
    maxRequestBodyBytes: wholeNumber(
      'maxRequestBodyBytes',
      options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES,
      0,
    ),
    catalogBasePath: paths.catalogBasePath,
    dataAccessBasePath: paths.dataAccessBasePath,
    gateway: new Gateway({ ...options.credentials }, ims),
    ims,
    catalog,
    dataAccess: new SimulatedDataAccess({ ...options.exportFiles }, { owner, now }),
    jobs,
    faults: new FaultList(),
    log: new RequestLog(options.requestLogLimit ?? 1_000),
  };
}

interface Located {
  service: SimulatedService | undefined;
  /** The path after the service's base path; `undefined` outside every service (and for IMS). */
  path: string | undefined;
  base: string;
}

/** Decides the answer to one request; see `ExportJobsSimulator.dispatch`. */
export async function dispatch(
  services: Services,
  request: Request,
  basePath: string,
  options: DispatchOptions,
): Promise<SimulatorOutcome> {
  const url = new URL(request.url);
  const { service, path, base } = locate(services, url.pathname, basePath, options);
  const ims = service === 'ims';
  const text = await readCappedText(request, services.maxRequestBodyBytes);
  const requestId = request.headers.get('x-request-id') || globalThis.crypto.randomUUID();
  const recordedPath = path ?? url.pathname;
  const record = services.log.add(request, url, recordedPath, text, service, services.clock.now());
  if (text === undefined) {
    // Refused at the door, as a gateway would, before any fault is used up on it.
    const response = bodyTooLarge(services.maxRequestBodyBytes, ims);
    response.headers.set('x-request-id', requestId);
    record.status = response.status;
    return { type: 'response', response, delay: 0 };
  }

  // Faults match the path the log shows, so what a test reads in `requests` is what it can target.
  const target = { method: request.method, path: recordedPath, service, query: url.searchParams };
  const decision = services.faults.decide(target, services.random);
  record.faults = decision.applied;
  const terminal = decision.terminal;
  // A drop in the middle of the body needs the body: the simulator answers, then the body is cut.
  const cutAfter = terminal?.fault.kind === 'drop' ? terminal.fault.afterBytes : undefined;
  let answer: Response | 'drop';
  if (terminal?.when === 'request' && cutAfter === undefined) answer = faultAnswer(terminal.fault, requestId, ims);
  else {
    answer = route(
      services,
      request,
      { service, path, base: `${url.origin}${base}` },
      url.searchParams,
      text,
      requestId,
    );
    if (terminal && cutAfter === undefined) answer = faultAnswer(terminal.fault, requestId, ims);
    else if (cutAfter !== undefined) answer = await cutBody(answer, cutAfter);
  }
  if (answer === 'drop') {
    record.status = 'dropped';
    return { type: 'drop', delay: decision.delay };
  }
  answer.headers.set('x-request-id', requestId);
  // The simulator's time, as any server sends its own: a client can tell how far its clock is from
  // the server's (a manual clock may be years away), as the SDK does when it looks for a lost create.
  if (!answer.headers.has('date')) answer.headers.set('date', new Date(services.clock.now()).toUTCString());
  record.status = answer.status;
  return { type: 'response', response: answer, delay: decision.delay };
}

/** A base path as the simulator keeps it: leading slash, no trailing one (`''` for the root). */
export function normaliseBasePath(basePath: string): string {
  if (typeof basePath !== 'string')
    throw new TypeError(`basePath must be a string such as "/data/core/ups", got ${typeof basePath}`);
  const trimmed = trimTrailingSlashes(basePath.trim());
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The service's answer; `located.base` is the absolute base URL its links are built on. */
function route(
  services: Services,
  request: Request,
  located: Located,
  query: URLSearchParams,
  text: string,
  requestId: string,
): Response {
  const { service, path, base } = located;
  if (service === 'ims') return services.ims.answer(request.method, request.headers, text);
  if (service === undefined || path === undefined)
    return serviceError(404, NO_ROUTE_CODE, ['The entity is not found.'], requestId);
  const scope = services.gateway.authenticate(request.headers, requestId);
  if (scope instanceof Response) return scope;
  const now = services.clock.now();
  if (service === 'export-jobs') return services.jobs.answer(request.method, path, query, text, scope, now);
  const parts = path.split('/').filter(Boolean).map(decodeSegment);
  if (service === 'catalog') return services.catalog.answer(request.method, parts, text, scope, base);
  const { method, headers, signal } = request;
  return services.dataAccess.answer({ method, parts, query, headers, signal }, scope, base);
}

/** Which service a path belongs to, the path after that service's base path, and the base path. */
function locate(services: Services, pathname: string, basePath: string, options: DispatchOptions): Located {
  if (options.ims ?? (options.service === undefined && pathname === SIMULATOR_IMS_PATH))
    return { service: 'ims', path: undefined, base: '' };
  const given = normaliseBasePath(basePath);
  if (options.service !== undefined) {
    const path = relativePath(pathname, given);
    return { service: path === undefined ? undefined : options.service, path, base: given };
  }
  for (const [service, base] of [
    ['catalog', services.catalogBasePath],
    ['data-access', services.dataAccessBasePath],
    ['export-jobs', given],
  ] as const) {
    const path = relativePath(pathname, base);
    if (path !== undefined) return { service, path, base };
  }
  return { service: undefined, path: undefined, base: given };
}

function relativePath(pathname: string, basePath: string): string | undefined {
  if (basePath === '') return pathname || '/';
  if (pathname === basePath) return '/';
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

function faultAnswer(
  fault: Extract<SimulatedFault, { kind: 'status' | 'drop' }>,
  requestId: string,
  ims: boolean,
): Response | 'drop' {
  if (fault.kind === 'drop') return 'drop';
  const headers: Record<string, string> = { ...fault.headers };
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  const body =
    fault.body !== undefined ? fault.body : ims ? imsFaultBody(fault.status) : faultBody(fault.status, requestId);
  return faultResponse(fault.status, body, headers);
}

function readDurations(given: Partial<SimulatorDurations> | undefined): SimulatorDurations {
  const durations = { ...DEFAULT_DURATIONS };
  for (const name of ['new', 'processing'] as const) {
    const value = given?.[name] ?? durations[name];
    if (!(Number.isFinite(value) && value >= 0))
      throw new RangeError(`durations.${name} must be a finite number of ms >= 0, got ${String(value)}`);
    durations[name] = value;
  }
  return durations;
}

/** A duration setting: a finite number of ms >= 0. */
function milliseconds(option: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${option} must be a finite number of ms >= 0, got ${String(value)}`);
  }
  return value;
}

/** A whole-number setting, at least `min`; `Infinity` for no bound. */
function wholeNumber(option: string, value: number, min: number): number {
  if (!(value === Infinity || (Number.isSafeInteger(value) && value >= min))) {
    throw new RangeError(`${option} must be a whole number >= ${min}, or Infinity, got ${String(value)}`);
  }
  return value;
}
