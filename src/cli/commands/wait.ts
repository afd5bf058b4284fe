import { clientFor } from '../client.js';
import type { CommandContext } from '../context.js';
import { selectedFields } from '../output/print.js';
import { parseJobId } from '../parse.js';
import { waitAndReport, type WaitFlags } from '../waiting.js';

/** `wait <id>`: exit 0 when the job succeeded, 1 when it failed, 3 when --timeout passed. */
export async function run(context: CommandContext): Promise<number> {
  const id = parseJobId(context.command.args[0]!);
  selectedFields(context); // a bad --fields is a usage error before the wait, not after it
  return waitAndReport(context, clientFor(context), id, context.command.opts<WaitFlags>());
}
