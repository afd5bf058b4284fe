/**
 * msw request handlers serving an {@link ExportJobsSimulator}: `aep-export-jobs/testing/msw`.
 *
 * This entry imports `msw`, an optional peer dependency of aep-export-jobs: install it yourself
 * (`npm install --save-dev msw@^3`) to use it. `aep-export-jobs/testing` works without msw.
 * @packageDocumentation
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { sleep } from '../http/sleep.js';
import type { ExportJobsSimulator } from './simulator.js';

/** Where the handlers answer. */
export interface SimulatorHandlersOptions {
  /**
   * The base URL your client is configured with: requests under it go to the simulator. Default
   * `https://platform.adobe.io` plus the simulator's base path, the client's default.
   */
  baseUrl?: string;
}

/**
 * msw handlers that answer every request under `baseUrl` from the simulator: the export jobs
 * routes, and the simulator's 404/405 for anything else under it. Injected latency waits on
 * `setTimeout` (so fake timers drive it); a dropped connection is `HttpResponse.error()`.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { ExportJobsSimulator } from 'aep-export-jobs/testing';
 * import { simulatorHandlers } from 'aep-export-jobs/testing/msw';
 *
 * const simulator = new ExportJobsSimulator({ clock: 'manual' });
 * const server = setupServer(...simulatorHandlers(simulator, { baseUrl: 'https://platform.adobe.io/data/core/ups' }));
 * beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
 * afterEach(() => simulator.reset());
 * afterAll(() => server.close());
 * ```
 */
export function simulatorHandlers(
  simulator: Pick<ExportJobsSimulator, 'basePath' | 'dispatch'>,
  options: SimulatorHandlersOptions = {},
): HttpHandler[] {
  // Typed structurally (not as the class) so that the handlers accept a simulator from any copy of
  // the testing entry, such as the one a bundler or a second install may produce.
  const base = new URL(options.baseUrl ?? `https://platform.adobe.io${simulator.basePath}`);
  const basePath = base.pathname.replace(/\/+$/, '');
  const isUnderBase = (url: URL) => url.origin === base.origin && (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`));
  return [
    http.all(
      ({ request }) => isUnderBase(new URL(request.url)),
      async ({ request }) => {
        const outcome = await simulator.dispatch(request, basePath);
        try {
          await sleep(outcome.delay, request.signal);
        } catch {
          // The client gave up (its timeout or signal) during the latency: nobody reads this answer,
          // and throwing would make msw report an "unhandled exception" for a normal test.
          return HttpResponse.error();
        }
        return outcome.type === 'drop' ? HttpResponse.error() : outcome.response;
      },
    ),
  ];
}
