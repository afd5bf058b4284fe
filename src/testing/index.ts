/**
 * aep-export-jobs/testing: an in-memory simulator of the export jobs API, and of the Adobe IMS
 * token endpoint OAuth credentials use, for tests and demos. It is served through
 * `simulator.fetch` (the client's `fetch` option), a loopback HTTP server, or msw handlers (from
 * `aep-export-jobs/testing/msw`, which needs msw installed).
 *
 * @example
 * ```ts
 * import { ExportJobsClient } from 'aep-export-jobs';
 * import { ExportJobsSimulator } from 'aep-export-jobs/testing';
 *
 * const simulator = new ExportJobsSimulator({ clock: 'manual', failingSegments: ['broken-segment'] });
 * const client = new ExportJobsClient({
 *   accessToken: 'token', apiKey: 'key', orgId: 'ORG@AdobeOrg', sandboxName: 'dev', fetch: simulator.fetch,
 * });
 * ```
 * @packageDocumentation
 */
export {
  ExportJobsSimulator,
  DEFAULT_BASE_PATH,
  DEFAULT_DURATIONS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_PROFILES_PER_SEGMENT,
  DEFAULT_SIMULATED_ORG_ID,
  FIRST_JOB_ID,
  type AddJobOptions,
  type DispatchOptions,
  type ExportJobsSimulatorOptions,
  type RecordedRequest,
  type SimulatedExportJob,
  type SimulatedJobStatus,
  type SimulatorCredentials,
  type SimulatorDurations,
  type SimulatorOutcome,
} from './simulator.js';
export { createClock, DEFAULT_MANUAL_START, type ClockOption, type SimulatorClock } from './clock.js';
export type { FaultOptions, InjectedFault, SimulatedFault } from './faults.js';
export { startSimulatorServer, type SimulatorServer, type SimulatorServerOptions } from './server.js';
export { ADOBE_IMS_URL, DEFAULT_SIMULATOR_TOKEN_LIFETIME, SIMULATOR_IMS_PATH, type SimulatorImsOptions } from './ims.js';
