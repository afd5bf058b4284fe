/**
 * Lists every export job, newest first, resuming where it stopped when a page fails for a
 * transient reason.
 *
 *   npx node --import ./examples/register.mjs examples/list-all.ts [NEW|SUCCEEDED|FAILED]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  ConnectionError,
  PaginationError,
  RateLimitError,
  ServerError,
  TimeoutError,
  paginateExportJobs,
  type ExportJobsClient,
  type ListExportJobsQuery,
} from '../src/index.js';
import { clientFromEnv } from './env-client.js';

export interface ListAllOptions {
  status?: ListExportJobsQuery['status'];
  /** Jobs per page. Default 100. */
  limit?: number;
  /** How many times to resume after a transient failure. Default 3. */
  maxResumes?: number;
  /** The pause before resuming, in ms. Default 5 000. */
  resumeDelay?: number;
  log?: (line: string) => void;
}

/** Prints one line per job; resolves with how many jobs there are of each status. */
export async function listAllJobs(client: ExportJobsClient, options: ListAllOptions = {}): Promise<Record<string, number>> {
  const { status, limit = 100, maxResumes = 3, resumeDelay = 5_000, log = console.log } = options;
  const byStatus: Record<string, number> = {};
  let cursor: string | undefined;
  for (let resumes = 0; ; resumes++) {
    try {
      for await (const job of paginateExportJobs(client, { limit, ...(status ? { status } : {}) }, { cursor })) {
        byStatus[job.status] = (byStatus[job.status] ?? 0) + 1;
        log(`${job.id}\t${job.status}\t${new Date(job.creationTime).toISOString()}\t${job.destination.datasetId}`);
      }
      return byStatus;
    } catch (error) {
      if (!(error instanceof PaginationError) || !isTransient(error.cause) || resumes >= maxResumes) throw error;
      log(`listing stopped after ${error.items} jobs (${error.message}); resuming in ${resumeDelay} ms`);
      cursor = error.cursor; // undefined when the first page failed: start again
      await sleep(resumeDelay);
    }
  }
}

/** Failures that may clear by themselves (the client has already retried them). */
function isTransient(error: unknown): boolean {
  return error instanceof RateLimitError || error instanceof ServerError || error instanceof ConnectionError || error instanceof TimeoutError;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const status = process.argv[2] as ListAllOptions['status'];
  const counts = await listAllJobs(clientFromEnv(), { status });
  console.log(counts);
}
