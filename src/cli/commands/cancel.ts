import { clientFor, requestOptions } from '../client.js';
import type { CommandContext } from '../context.js';
import { writeJson } from '../output/print.js';
import { cleanLine } from '../output/sanitize.js';
import { parseJobId } from '../parse.js';

/** `cancel <id>`: asks the service to cancel, and prints its answer. */
export async function run(context: CommandContext): Promise<void> {
  const id = parseJobId(context.command.args[0]!);
  const result = await clientFor(context).cancelExportJob(id, requestOptions(context.signal));
  if (context.globals.json) writeJson(context, result);
  else
    context.io.stdout.write(
      `Job ${id}: ${cleanLine(result.message ?? (result.status ? 'cancel requested' : 'not cancelled'))}\n`,
    );
}
