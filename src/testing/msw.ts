/**
 * msw request handlers serving an {@link ExportJobsSimulator}: `aep-export-jobs/testing/msw`.
 *
 * This entry imports `msw`, an optional peer dependency of aep-export-jobs: install it yourself
 * (`npm install --save-dev msw@^3`) to use it. `aep-export-jobs/testing` works without msw.
 * @packageDocumentation
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { ADOBE_IMS_URL } from './ims.js';
import { waitOut, type DispatchOptions } from './delivery.js';
import type { ExportJobsSimulator } from './simulator.js';
import { trimTrailingSlashes } from './util.js';

/** Where the handlers answer. */
export interface SimulatorHandlersOptions {
  /**
   * The base URL your client is configured with: requests under it go to the simulator. Default
   * `https://platform.adobe.io` plus the simulator's base path, the client's default.
   */
  baseUrl?: string;
  /**
   * The IMS token endpoint your OAuth credentials use (`credentials.imsUrl`): requests to it get
   * the simulator's IMS. Default `https://ims-na1.adobelogin.com/ims/token/v3`, the SDK's default;
   * `false` leaves IMS to handlers of your own.
   */
  imsUrl?: string | false;
  /**
   * The Catalog base URL your client uses (`catalogUrl`): requests under it go to the simulated
   * Catalog. Default: `baseUrl`'s origin plus the simulator's `catalogBasePath`
   * (`/data/foundation/catalog`), the client's default; `false` leaves it to handlers of your own.
   */
  catalogUrl?: string | false;
  /**
   * The Data Access base URL your client uses (`dataAccessUrl`): requests under it go to the
   * simulated Data Access. Default: `baseUrl`'s origin plus the simulator's `dataAccessBasePath`
   * (`/data/foundation/export`), the client's default; `false` leaves it to handlers of your own.
   */
  dataAccessUrl?: string | false;
}

/**
 * msw handlers that answer every request under `baseUrl` from the simulator: the export jobs
 * routes, and the simulator's 404/405 for anything else under it; requests under `catalogUrl` and
 * `dataAccessUrl` from the simulated Catalog and Data Access; and requests to `imsUrl` from
 * the simulator's IMS. Injected latency waits on `setTimeout` (so fake timers drive it); a dropped
 * connection is `HttpResponse.error()`.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { ExportJobsSimulator } from 'aep-export-jobs/testing';
 * import { simulatorHandlers } from 'aep-export-jobs/testing/msw';
 *
 * const simulator = new ExportJobsSimulator({ clock: 'manual' });
 * const server = setupServer(...simulatorHandlers(simulator, {
 *   baseUrl: 'https://platform.adobe.io/data/core/ups',
 *   imsUrl: 'https://ims-na1.adobelogin.com/ims/token/v3', // the default, for `credentials` clients
 * }));
 * beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
 * afterEach(() => simulator.reset());
 * afterAll(() => server.close());
 * ```
 */
export function simulatorHandlers(
  simulator: Pick<ExportJobsSimulator, 'basePath' | 'dispatch'> &
    Partial<Pick<ExportJobsSimulator, 'catalogBasePath' | 'dataAccessBasePath'>>,
  options: SimulatorHandlersOptions = {},
): HttpHandler[] {
  // Typed structurally (not as the class) so that the handlers accept a simulator from any copy of
  // the testing entry, such as the one a bundler or a second install may produce.
  const base = new URL(options.baseUrl ?? `https://platform.adobe.io${simulator.basePath}`);
  const basePath = trimTrailingSlashes(base.pathname);
  const under = (root: URL) => {
    const path = trimTrailingSlashes(root.pathname);
    return {
      path,
      test: (url: URL) => url.origin === root.origin && (url.pathname === path || url.pathname.startsWith(`${path}/`)),
    };
  };
  const isUnderBase = under(base).test;
  const handlers: HttpHandler[] = [];
  if (options.imsUrl !== false) {
    const ims = new URL(options.imsUrl ?? ADOBE_IMS_URL);
    const isIms = (url: URL) => url.origin === ims.origin && url.pathname === ims.pathname;
    // First, so that an IMS URL under the base URL still reaches IMS. `ims: true` because a custom
    // imsUrl may have a path of its own.
    handlers.push(
      http.all(
        ({ request }) => isIms(new URL(request.url)),
        ({ request }) => answer(simulator, request, basePath, { ims: true }),
      ),
    );
  }
  // Catalog and Data Access before the API, so that a base URL above them cannot swallow them.
  for (const [service, option, fallback] of [
    ['catalog', options.catalogUrl, simulator.catalogBasePath ?? '/data/foundation/catalog'],
    ['data-access', options.dataAccessUrl, simulator.dataAccessBasePath ?? '/data/foundation/export'],
  ] as const) {
    if (option === false) continue;
    const root = under(new URL(option ?? `${base.origin}${fallback}`));
    handlers.push(
      http.all(
        ({ request }) => root.test(new URL(request.url)),
        ({ request }) => answer(simulator, request, root.path, { service }),
      ),
    );
  }
  handlers.push(
    http.all(
      ({ request }) => isUnderBase(new URL(request.url)),
      ({ request }) => answer(simulator, request, basePath),
    ),
  );
  return handlers;
}

async function answer(
  simulator: Pick<ExportJobsSimulator, 'dispatch'>,
  request: Request,
  basePath: string,
  dispatchOptions?: DispatchOptions,
): Promise<Response> {
  const outcome = await simulator.dispatch(request, basePath, dispatchOptions);
  try {
    await waitOut(outcome, request.signal);
  } catch {
    // The client gave up (its timeout or signal) during the latency: nobody reads this answer,
    // and throwing would make msw report an "unhandled exception" for a normal test.
    return HttpResponse.error();
  }
  return outcome.type === 'drop' ? HttpResponse.error() : outcome.response;
}
