/**
 * Lists every export job, newest first, resuming where it stopped when a page fails for a
 * transient reason.
 *
 *   npm run example -- examples/list-all.ts [NEW|SUCCEEDED|FAILED]
 *
 * Prints one line per job (id, status, creation time, dataset), then how many there are of each status.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  ConnectionError,
  ListStatusFilterSchema,
  PaginationError,
  RateLimitError,
  ServerError,
  TimeoutError,
  type ExportJobsClient,
  type ListExportJobsQuery,
} from '../src/index.js';
import { checkUsage, clientFromEnv } from './env-client.js';

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
export async function listAllJobs(
  client: ExportJobsClient,
  options: ListAllOptions = {},
): Promise<Record<string, number>> {
  const { status, limit = 100, maxResumes = 3, resumeDelay = 5_000, log = console.log } = options;
  const byStatus: Record<string, number> = {};
  const query: ListExportJobsQuery = { limit, ...(status ? { status } : {}) };
  let cursor: string | undefined;
  for (let resumes = 0; ; resumes++) {
    try {
      // Iterating the listing yields every job across pages, one page in memory at a time.
      for await (const job of client.listExportJobs(query, { cursor })) {
        byStatus[job.status] = (byStatus[job.status] ?? 0) + 1;
        log(`${job.id}\t${job.status}\t${new Date(job.creationTime).toISOString()}\t${job.destination.datasetId}`);
      }
      return byStatus;
    } catch (error) {
      if (!(error instanceof PaginationError) || !isTransient(error.cause) || resumes >= maxResumes) throw error;
      log(`listing stopped after ${error.items} jobs (${error.message}); resuming in ${resumeDelay} ms`);
      // The page to start again from (undefined when the first page failed: from the start).
      cursor = error.cursor;
      await sleep(resumeDelay);
    }
  }
}

/** Failures that may clear by themselves (the client has already retried them). */
function isTransient(error: unknown): boolean {
  return (
    error instanceof RateLimitError ||
    error instanceof ServerError ||
    error instanceof ConnectionError ||
    error instanceof TimeoutError
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [status] = process.argv.slice(2);
  const statuses = ListStatusFilterSchema.options;
  checkUsage({
    command: `npm run example -- examples/list-all.ts [${statuses.join('|')}]`,
    problems: [
      status !== undefined &&
        !ListStatusFilterSchema.safeParse(status).success &&
        `the status must be one of ${statuses.join(', ')}, got ${JSON.stringify(status)}`,
    ],
  });
  const counts = await listAllJobs(clientFromEnv(), { status: ListStatusFilterSchema.optional().parse(status) });
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const byStatus = Object.entries(counts).map(([name, count]) => `${count} ${name}`);
  console.log(`${total} export job${total === 1 ? '' : 's'}${byStatus.length > 0 ? `: ${byStatus.join(', ')}` : ''}`);
}
