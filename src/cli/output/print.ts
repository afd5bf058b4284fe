import type { ExportJob } from '../../index.js';
import type { CommandContext } from '../context.js';
import { jobDetails, parseFields, pickFields } from './jobs.js';
import { toJson } from './json.js';

/** One JSON document on stdout: what `--json` promises to machines. */
export function writeJson(context: Pick<CommandContext, 'io'>, value: unknown): void {
  context.io.stdout.write(`${toJson(value)}\n`);
}

/** The `--fields` of a command, parsed, when given. */
export function selectedFields(context: CommandContext): string[] | undefined {
  const text = context.command.opts<{ fields?: string }>().fields;
  return text === undefined ? undefined : parseFields(text);
}

/** One job: JSON with `--json` (only the picked fields with `--fields`), else one field per line. */
export function printJob(context: CommandContext, job: ExportJob, fields = selectedFields(context)): void {
  if (context.globals.json) writeJson(context, fields ? pickFields(job, fields) : job);
  else context.io.stdout.write(jobDetails(job, { style: context.style, fields }));
}
