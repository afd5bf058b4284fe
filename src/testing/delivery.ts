/**
 * What the simulator decides for one request, and how the three ways of serving it (`fetch`,
 * msw handlers, the loopback server) act on it: injected latency waited out, bodies cut short.
 * Kept apart from the simulator so that the adapters need nothing but this contract.
 */
import { sleep } from '../internal/http/sleep.js';
import { truncatedStream } from './bytes.js';

/** How an adapter routes one request through {@link ExportJobsSimulator.dispatch}. */
export interface DispatchOptions {
  /**
   * `true` to answer it as the IMS token endpoint whatever its path (the msw handlers mounted on a
   * custom `imsUrl` use it). Default: a request is IMS's when its path is {@link SIMULATOR_IMS_PATH}.
   */
  ims?: boolean;
  /**
   * The service to answer it as, `basePath` being that service's base path (the msw handlers
   * mounted on a custom `catalogUrl` or `dataAccessUrl` use it). Default: the IMS token path, then
   * the Catalog and Data Access base paths, then `basePath` for the export jobs API.
   */
  service?: 'export-jobs' | 'catalog' | 'data-access';
}

/**
 * What the simulator decided for one request, before any adapter acts on it: a response, or a
 * dropped connection, after `delay` ms of injected latency. Adapters wait the delay themselves.
 */
export type SimulatorOutcome =
  { type: 'response'; response: Response; delay: number } | { type: 'drop'; delay: number };

/** What the adapters need of a simulator: its core. */
export interface Dispatcher {
  dispatch(request: Request, basePath?: string, options?: DispatchOptions): Promise<SimulatorOutcome>;
}

/**
 * Waits out an outcome's injected latency. If the request is aborted meanwhile, the answer is
 * abandoned: its body is cancelled (so a download stops counting as in flight) and the abort rethrown.
 */
export async function waitOut(outcome: SimulatorOutcome, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(outcome.delay, signal);
  } catch (error) {
    if (outcome.type === 'response') await outcome.response.body?.cancel().catch(() => {});
    throw error;
  }
}

/** The answer with its body cut after `afterBytes` bytes, its `Content-Length` the whole body's. */
export async function cutBody(answer: Response | 'drop', afterBytes: number): Promise<Response | 'drop'> {
  if (answer === 'drop' || answer.body === null) return answer;
  let body = answer.body;
  const headers = new Headers(answer.headers);
  if (!headers.has('content-length')) {
    // A JSON answer: small, so measured whole first, as a server would before sending it.
    const bytes = new Uint8Array(await answer.arrayBuffer());
    headers.set('content-length', String(bytes.length));
    body = new Blob([bytes]).stream();
  }
  return new Response(truncatedStream(body, afterBytes), {
    status: answer.status,
    statusText: answer.statusText,
    headers,
  });
}
