/**
 * A small HTTP service in front of the SDK, with `node:http` only:
 *
 *   POST /exports      {"segmentIds": ["…"], "datasetId"?: "…", "fields"?: "…"}
 *                      starts an export job: 202 {"id", "status", …} and a Location header
 *   GET  /exports/:id  reports that job's status: 200 {"id", "status", "batchIds", …}
 *
 * Run it against AEP (or against `aep-export-jobs simulator`, see docs/cli.md):
 *
 *   AEP_DATASET_ID=5c8c3c555033b814b69f947f npm run example -- examples/http-service.ts 3000
 *   curl -s -X POST localhost:3000/exports -d '{"segmentIds":["52c26d0d-45f2-47a2-ab30-ed06abc981ff"]}'
 *   curl -s localhost:3000/exports/1000
 *
 * The port defaults to 3000; 0 picks a free one (the first line printed says which). It listens on
 * 127.0.0.1 only. Ctrl-C stops it.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  ApiError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  TimeoutError,
  type ExportJob,
  type ExportJobsClient,
} from '../src/index.js';
import { checkUsage, clientFromEnv } from './env-client.js';

export interface ExportServiceOptions {
  /** The dataset an export goes to when the request names none. */
  defaultDatasetId?: string;
  /** The largest request body accepted, in bytes. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Told of each job started and each unexpected failure. Default: nothing. */
  log?: (line: string) => void;
}

/** What the service answers about one export job. */
export interface ExportStatus {
  id: number;
  status: string;
  datasetId: string;
  /** The batches written so far (one per segment with `segmentPerBatch`). */
  batchIds: string[];
  /** Profiles exported, once the job has succeeded. */
  profiles?: number;
  /** Adobe's reasons, when the job failed. */
  errors?: string[];
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A failure the service answers as it is: a bad request, an unknown route. */
class HttpError extends Error {
  // Plain fields rather than constructor parameter properties, which Node cannot strip.
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The service as an `http.Server`, not yet listening: call `listen(port)` on it (port 0 picks a
 * free one) and `close()` when done.
 */
export function createServer(client: ExportJobsClient, options: ExportServiceOptions = {}): Server {
  const { defaultDatasetId, maxBodyBytes = 64 * 1024, log = () => {} } = options;

  async function route(req: IncomingMessage): Promise<Answer> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/exports') {
      if (req.method !== 'POST')
        throw new HttpError(405, `${req.method} is not supported on /exports`, { allow: 'POST' });
      const input = readStartRequest(await readJson(req, maxBodyBytes));
      const datasetId = input.datasetId ?? defaultDatasetId;
      if (datasetId === undefined)
        throw new HttpError(400, 'datasetId is required (the service has no default dataset)');
      const job = await client.createExportJob({
        ...(input.fields === undefined ? {} : { fields: input.fields }),
        filter: { segments: input.segmentIds.map((segmentId) => ({ segmentId, status: ['realized'] })) },
        destination: { datasetId, segmentPerBatch: false },
        schema: { name: '_xdm.context.profile' },
      });
      log(`started export job ${job.id} for ${input.segmentIds.join(', ')}`);
      return { status: 202, body: describe(job), headers: { location: `/exports/${job.id}` } };
    }
    const match = /^\/exports\/(\d+)$/.exec(path);
    if (match) {
      if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not supported on ${path}`, { allow: 'GET' });
      // A number too large to be an id is refused by the SDK (RequestValidationError): a 400 below.
      return { status: 200, body: describe(await client.getExportJob(Number(match[1]))) };
    }
    throw new HttpError(404, `no route for ${req.method} ${path}`);
  }

  return createHttpServer((req, res) => {
    route(req).then(
      (answer) => send(res, answer),
      (error: unknown) => send(res, failure(error, log)),
    );
  });
}

/** The job as this service shows it. */
function describe(job: ExportJob): ExportStatus {
  const destination = job.destination;
  const batchIds = (
    destination.segmentPerBatch ? destination.batches.map((batch) => batch.batchId) : [destination.batchId]
  ).filter((id): id is string => typeof id === 'string' && id !== '');
  const errors = (job.errors ?? []).map((error) => [error.code, error.msg].filter(Boolean).join(' '));
  return {
    id: job.id,
    status: job.status,
    datasetId: destination.datasetId,
    batchIds,
    ...(job.metrics?.totalExportedProfileCounter === undefined
      ? {}
      : { profiles: job.metrics.totalExportedProfileCounter }),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

/** An error as an HTTP answer: the client's mistakes are 4xx, AEP's and the network's 5xx. */
function failure(error: unknown, log: (line: string) => void): Answer {
  if (error instanceof HttpError)
    return { status: error.status, body: { error: error.message }, headers: error.headers };
  // The SDK checked the input before sending anything: the caller's mistake.
  if (error instanceof RequestValidationError)
    return { status: 400, body: { error: 'invalid request', issues: error.issues } };
  if (error instanceof NotFoundError) return { status: 404, body: { error: 'no such export job' } };
  if (error instanceof RateLimitError) {
    const seconds = Math.ceil((error.retryAfter ?? 60_000) / 1000);
    return {
      status: 503,
      body: { error: 'AEP is rate limiting this service; try again later' },
      headers: { 'retry-after': String(seconds) },
    };
  }
  // Anything else from AEP (401, 403, 5xx...) is this service's problem, not the caller's: no details leak.
  if (error instanceof ApiError) {
    log(`AEP answered ${error.status} (code ${error.code ?? '-'}, request id ${error.requestId})`);
    return { status: 502, body: { error: 'AEP refused or failed the request', requestId: error.requestId } };
  }
  if (error instanceof TimeoutError || error instanceof ConnectionError) {
    log(`AEP could not be reached: ${error.message}`);
    return { status: 504, body: { error: 'AEP did not answer in time' } };
  }
  log(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { status: 500, body: { error: 'internal error' } };
}

function send(res: ServerResponse, { status, body, headers = {} }: Answer): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, `the request body is over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the request body must be JSON');
  }
}

function readStartRequest(body: unknown): { segmentIds: string[]; datasetId?: string; fields?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'the request body must be a JSON object');
  const { segmentIds, datasetId, fields } = body as Record<string, unknown>;
  if (
    !Array.isArray(segmentIds) ||
    segmentIds.length === 0 ||
    !segmentIds.every((id: unknown): id is string => typeof id === 'string' && id !== '')
  ) {
    throw new HttpError(400, 'segmentIds must be a non-empty array of segment ids');
  }
  if (datasetId !== undefined && (typeof datasetId !== 'string' || datasetId === ''))
    throw new HttpError(400, 'datasetId must be a non-empty string');
  if (fields !== undefined && typeof fields !== 'string')
    throw new HttpError(400, 'fields must be a comma-separated string');
  return { segmentIds, ...(datasetId === undefined ? {} : { datasetId }), ...(fields === undefined ? {} : { fields }) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port = '3000'] = process.argv.slice(2);
  checkUsage({
    command: '[AEP_DATASET_ID=<default dataset id>] npm run example -- examples/http-service.ts [port]',
    problems: [
      !(/^\d{1,5}$/.test(port) && Number(port) <= 65_535) &&
        `the port must be from 0 to 65535, got ${JSON.stringify(port)}`,
    ],
  });
  const server = createServer(clientFromEnv(), {
    defaultDatasetId: process.env.AEP_DATASET_ID?.trim() || undefined,
    log: console.log,
  });
  server.listen(Number(port), '127.0.0.1', () => {
    const { port: listening } = server.address() as AddressInfo;
    console.log(`export service on http://127.0.0.1:${listening} (Ctrl-C to stop)`);
  });
  // close() stops accepting connections and ends idle kept-alive ones; the process exits once the rest are done.
  process.once('SIGINT', () => server.close());
}
