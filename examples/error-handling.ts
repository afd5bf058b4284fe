/**
 * Reads an export job and explains any failure by its place in the SDK's error tree.
 *
 *   npm run example -- examples/error-handling.ts <job id>
 *
 * Exit code 0 when the job was read (whatever its status), 1 when reading it failed, 2 for a usage error.
 */
import { fileURLToPath } from 'node:url';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  ExportJobsError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  TokenRequestError,
  type ExportJobsClient,
} from '../src/index.js';
import { checkUsage, clientFromEnv } from './env-client.js';

/** What `showJob` printed, and whether the job could be read. */
export interface ShownJob {
  ok: boolean;
  line: string;
}

/** Prints the job's status, or what went wrong. */
export async function showJob(
  client: ExportJobsClient,
  jobId: number | string,
  log: (line: string) => void = console.log,
): Promise<ShownJob> {
  let shown: ShownJob;
  try {
    const job = await client.getExportJob(jobId);
    const reasons = (job.errors ?? []).map((error) => `${error.code ?? ''} ${error.msg ?? ''}`.trim());
    shown = {
      ok: true,
      line: `export job ${job.id}: ${job.status}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`,
    };
  } catch (error) {
    shown = { ok: false, line: explain(error) };
  }
  log(shown.line);
  return shown;
}

/** One line on an SDK error; anything else (a bug, an abort reason) is rethrown. */
export function explain(error: unknown): string {
  // The most specific classes first: they all extend ApiError, which extends ExportJobsError.
  if (error instanceof NotFoundError) return `no such export job in this sandbox (request id ${error.requestId})`;
  // The API refused the token (a 401): expired, or for another org.
  if (error instanceof AuthenticationError) return `not authenticated: ${error.message}`;
  // With OAuth credentials: IMS refused (or failed) the token request, so the API was never called.
  if (error instanceof TokenRequestError) return `no access token: ${error.message}`;
  if (error instanceof PermissionDeniedError)
    return `not allowed: check the API key, org id, sandbox and product profile (${error.code ?? error.status})`;
  if (error instanceof RateLimitError)
    return `rate limited, even after retrying; the server asked to wait ${error.retryAfter ?? '?'} ms`;
  if (error instanceof ServerError)
    return `AEP failed with ${error.status} on every attempt (request ids ${error.requestIds.join(', ')})`;
  if (error instanceof ApiError) return `HTTP ${error.status}: ${error.message}`;
  if (error instanceof TimeoutError)
    return `no response within ${error.timeout} ms, ${error.requestIds.length} attempt(s)`;
  if (error instanceof ConnectionError)
    return `could not reach the server (${error.code ?? 'network error'}): ${error.message}`;
  if (error instanceof RequestValidationError)
    return `nothing was sent: ${error.issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`;
  if (error instanceof ResponseValidationError)
    return `unexpected ${error.status} response (request id ${error.requestId}): ${error.body.slice(0, 200)}`;
  if (error instanceof ExportJobsError) return `${error.name}: ${error.message}`;
  throw error;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [jobId] = process.argv.slice(2);
  checkUsage({
    command: 'npm run example -- examples/error-handling.ts <job id>',
    problems: [!jobId && 'a job id is required'],
  });
  const { ok } = await showJob(clientFromEnv(), jobId!);
  if (!ok) process.exitCode = 1;
}
