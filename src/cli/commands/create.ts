import { clientFor, reconcileReport, requestOptions } from '../client.js';
import type { CommandContext } from '../context.js';
import { createRequest, type CreateFlags } from '../create-request.js';
import { writeJson } from '../output/print.js';
import { cleanLine } from '../output/sanitize.js';

/** `create`: prints the new job's id (or the job with --json). */
export async function run(context: CommandContext): Promise<void> {
  const request = await createRequest(context.command.opts<CreateFlags>(), context.io);
  const job = await clientFor(context).createExportJob(request, {
    ...requestOptions(context.signal),
    ...reconcileReport(context),
  });
  if (context.globals.json) writeJson(context, job);
  else context.io.stdout.write(`Created export job ${job.id} (${cleanLine(job.status)})\n`);
}
