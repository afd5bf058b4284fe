import { clientFor, reconcileReport, requestOptions } from '../client.js';
import type { CommandContext } from '../context.js';
import { createRequest, type CreateFlags } from '../create-request.js';
import { waitAndReport, waitSchedule, type WaitFlags } from '../waiting.js';

/** `run`: create, then wait; the id goes to stderr so that stdout holds only the finished job. */
export async function run(context: CommandContext): Promise<number> {
  const flags = context.command.opts<CreateFlags & WaitFlags>();
  waitSchedule(flags); // bad durations are usage errors before anything is created
  const request = await createRequest(flags, context.io);
  const client = clientFor(context);
  const job = await client.createExportJob(request, { ...requestOptions(context.signal), ...reconcileReport(context) });
  if (!context.globals.quiet) context.io.stderr.write(`Created export job ${job.id}\n`);
  return waitAndReport(context, client, job.id, flags);
}
