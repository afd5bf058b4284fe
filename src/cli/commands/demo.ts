import type { CommandContext } from '../context.js';
import { runDemo } from '../simulator-commands.js';

/** `demo`: the main job end to end on a simulator of its own. */
export async function run(context: CommandContext): Promise<number> {
  return runDemo(context.io, { json: Boolean(context.globals.json), quiet: Boolean(context.globals.quiet) });
}
