import type { ExportJob, ListExportJobsQuery } from '../../index.js';
import { clientFor, requestOptions } from '../client.js';
import type { CommandContext } from '../context.js';
import { API_STATUSES, STATUSES } from '../names.js';
import { jobsTable, pickFields } from '../output/jobs.js';
import { toJson } from '../output/json.js';
import { selectedFields, writeJson } from '../output/print.js';
import { parseCount } from '../parse.js';
import { UsageError } from '../usage-error.js';

interface ListFlags {
  status?: string;
  limit?: string;
  all?: boolean;
  maxItems: string;
  jsonl?: boolean;
}

/** `--status`: any case, comma-separated; CANCELED (one L) is read as CANCELLED, as the SDK accepts both. */
function parseStatuses(text: string): Set<string> {
  const statuses = text
    .split(',')
    .map((status) =>
      status
        .trim()
        .toUpperCase()
        .replace(/^CANCELED$/, 'CANCELLED'),
    )
    .filter(Boolean);
  const unknown = statuses.filter((status) => !(STATUSES as readonly string[]).includes(status));
  if (statuses.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--status must be one or more of ${STATUSES.join(', ')} (any case, comma-separated); got ${JSON.stringify(text)}`,
    );
  }
  return new Set(statuses);
}

/**
 * `list`: one page, or every page with `--all`. A single status the API documents is sent as
 * `?status=`; any other filter (PROCESSING, CANCELLED, several statuses) is applied here, page by page.
 */
export async function run(context: CommandContext): Promise<void> {
  const flags = context.command.opts<ListFlags>();
  const fields = selectedFields(context);
  const statuses = flags.status === undefined ? undefined : parseStatuses(flags.status);
  const maxItems = parseCount(flags.maxItems, '--max-items');
  if (flags.jsonl && context.globals.json) throw new UsageError('give either --json or --jsonl, not both');
  const serverStatus = statuses?.size === 1 && API_STATUSES.has([...statuses][0]!) ? [...statuses][0] : undefined;
  const query = {
    ...(serverStatus ? { status: serverStatus as ListExportJobsQuery['status'] } : {}),
    ...(flags.limit ? { limit: parseCount(flags.limit, '--limit') } : {}),
  };
  const wanted = (job: ExportJob) =>
    statuses === undefined ||
    serverStatus !== undefined ||
    statuses.has(job.status.toUpperCase().replace(/^CANCELED$/, 'CANCELLED'));
  const shown = (job: ExportJob) => (fields ? pickFields(job, fields) : job);
  // Listing is done only to be printed: a closed stdout stops it too.
  const listing = clientFor(context).listExportJobs(query, requestOptions(context.outputSignal));

  const jobs: ExportJob[] = [];
  let more = false;
  if (flags.all) {
    for await (const page of listing.pages()) {
      for (const job of page.records) {
        if (!wanted(job) || jobs.length >= maxItems) continue;
        jobs.push(job);
        // JSON lines go out as each page arrives, so a long listing shows (and pipes) at once.
        if (flags.jsonl) context.io.stdout.write(`${toJson(shown(job), 0)}\n`);
      }
      if (jobs.length >= maxItems) break;
    }
  } else {
    const page = await listing;
    for (const job of page.records) if (wanted(job)) jobs.push(job);
    if (flags.jsonl) for (const job of jobs) context.io.stdout.write(`${toJson(shown(job), 0)}\n`);
    else if (context.globals.json && !fields && statuses === undefined) writeJson(context, page);
    more = page.hasNextPage();
  }
  if (!flags.jsonl) {
    if (context.globals.json) {
      if (flags.all || fields || statuses !== undefined) writeJson(context, jobs.map(shown));
    } else if (jobs.length === 0) context.io.stderr.write('No export jobs found\n');
    else context.io.stdout.write(jobsTable(jobs, { width: context.width, style: context.style, fields }));
  }
  if (more && !context.globals.quiet)
    context.io.stderr.write('more jobs: use --all, or --limit to see more per page\n');
}
