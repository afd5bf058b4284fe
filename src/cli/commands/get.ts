import { clientFor, requestOptions } from '../client.js';
import type { CommandContext } from '../context.js';
import { printJob, selectedFields } from '../output/print.js';
import { parseJobId } from '../parse.js';

/** `get <id>`: one job, in detail or as JSON. */
export async function run(context: CommandContext): Promise<void> {
  const id = parseJobId(context.command.args[0]!);
  const fields = selectedFields(context);
  const job = await clientFor(context).getExportJob(id, requestOptions(context.signal));
  printJob(context, job, fields);
}
