/**
 * Reads an export job and explains any failure by its place in the SDK's error tree.
 *
 *   npx node --import ./examples/register.mjs examples/error-handling.ts <job id>
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
  type ExportJobsClient,
} from '../src/index.js';
import { clientFromEnv } from './env-client.js';

/** Prints the job's status, or what went wrong; resolves with the line printed. */
export async function showJob(client: ExportJobsClient, jobId: number | string, log: (line: string) => void = console.log): Promise<string> {
  let line: string;
  try {
    const job = await client.getExportJob(jobId);
    const reasons = (job.errors ?? []).map((error) => `${error.code ?? ''} ${error.msg ?? ''}`.trim());
    line = `export job ${job.id}: ${job.status}${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`;
  } catch (error) {
    line = explain(error);
  }
  log(line);
  return line;
}

/** One line on an SDK error; anything else (a bug, an abort reason) is rethrown. */
export function explain(error: unknown): string {
  // The most specific classes first: they all extend ApiError, which extends ExportJobsError.
  if (error instanceof NotFoundError) return `no such export job in this sandbox (request id ${error.requestId})`;
  // A refused token, or (with OAuth credentials) a token request IMS refused: the message says which.
  if (error instanceof AuthenticationError) return `not authenticated: ${error.message}`;
  if (error instanceof PermissionDeniedError) return `not allowed: check the API key, org id, sandbox and product profile (${error.code ?? error.status})`;
  if (error instanceof RateLimitError) return `rate limited, even after retrying; the server asked to wait ${error.retryAfter ?? '?'} ms`;
  if (error instanceof ServerError) return `AEP failed with ${error.status} on every attempt (request ids ${error.requestIds.join(', ')})`;
  if (error instanceof ApiError) return `HTTP ${error.status}: ${error.message}`;
  if (error instanceof TimeoutError) return `no response within ${error.timeout} ms, ${error.requestIds.length} attempt(s)`;
  if (error instanceof ConnectionError) return `could not reach the server (${error.code ?? 'network error'}): ${error.message}`;
  if (error instanceof RequestValidationError) return `nothing was sent: ${error.issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`;
  if (error instanceof ResponseValidationError) return `unexpected ${error.status} response (request id ${error.requestId}): ${error.body.slice(0, 200)}`;
  if (error instanceof ExportJobsError) return `${error.name}: ${error.message}`;
  throw error;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const jobId = process.argv[2];
  if (!jobId) throw new Error('Usage: error-handling.ts <job id>');
  await showJob(clientFromEnv(), jobId);
}
