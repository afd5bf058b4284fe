import { readExportedProfiles, readProfileColumns } from '../../index.js';
import type { CommandContext } from '../context.js';
import { openProfileOutput, parseFormat, PROFILE_FORMATS, STDOUT } from '../output/profile-writer.js';
import { LiveLine } from '../progress/live-line.js';
import { UsageError } from '../usage-error.js';

interface ProfilesFlags {
  format: string;
  fields?: string;
  out?: string;
}

/**
 * `profiles <paths...>`: the rows of exported Parquet files, streamed out as NDJSON or CSV, one
 * row group in memory at a time. With `--out`, the file is written whole or not at all and a count
 * said on stderr; on a terminal, stderr counts the rows as they are read.
 */
export async function run(context: CommandContext): Promise<void> {
  const { io, globals } = context;
  const flags = context.command.opts<ProfilesFlags>();
  const format = parseFormat(flags.format, PROFILE_FORMATS);
  const fields = flags.fields
    ?.split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields?.length === 0) throw new UsageError('--fields needs at least one field path');
  const paths = context.command.args;
  const source = paths.length === 1 ? paths[0]! : paths;
  const output = await openProfileOutput(io, flags.out);
  const toStdout = flags.out === undefined || flags.out === STDOUT;
  let read = 0;
  // Only where nobody reads it but a person: never in a log, nor between the rows on a terminal.
  const counter =
    !globals.quiet && io.stderr.isTTY && !(toStdout && io.stdout.isTTY)
      ? new LiveLine(io.stderr, () => `${read} profiles read`)
      : undefined;
  let written: number;
  try {
    written = await output.write(
      readExportedProfiles(source, {
        ...(fields ? { fields } : {}),
        ...(context.outputSignal ? { signal: context.outputSignal } : {}),
      }),
      // The files' schema rather than the first row: a struct null in that row keeps its columns.
      { format, columns: fields ?? (() => readProfileColumns(source)), onRow: () => read++ },
    );
  } catch (error) {
    counter?.stop();
    throw error;
  }
  const summary = `${written} profiles written to ${output.name}`;
  if (counter) counter.stop(summary);
  else if (!toStdout && !globals.quiet) io.stderr.write(`${summary}\n`);
}
