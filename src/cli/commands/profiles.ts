import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readExportedProfiles, toCsvRows, toNdjsonLines, type ProfileRow } from '../../index.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../usage-error.js';

interface ProfilesFlags {
  format: string;
  fields?: string;
  out?: string;
}

/**
 * `profiles <paths...>`: the rows of exported Parquet files, streamed out as NDJSON or CSV, one
 * row group in memory at a time. With `--out`, the file is written and a count said on stderr.
 */
export async function run(context: CommandContext): Promise<void> {
  const flags = context.command.opts<ProfilesFlags>();
  const format = flags.format.toLowerCase();
  if (format !== 'ndjson' && format !== 'csv') {
    throw new UsageError(`--format must be ndjson or csv; got ${JSON.stringify(flags.format)}`);
  }
  const fields = flags.fields
    ?.split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields?.length === 0) throw new UsageError('--fields needs at least one field path');
  const paths = context.command.args;
  let count = 0;
  const rows = counted(
    readExportedProfiles(paths.length === 1 ? paths[0]! : paths, {
      ...(fields ? { fields } : {}),
      ...(context.outputSignal ? { signal: context.outputSignal } : {}),
    }),
    () => count++,
  );
  const lines = format === 'csv' ? toCsvRows(rows, fields) : toNdjsonLines(rows);
  if (flags.out) {
    await pipeline(Readable.from(lines), createWriteStream(flags.out));
    if (!context.globals.quiet) context.io.stderr.write(`${count} profiles written to ${flags.out}\n`);
    return;
  }
  for await (const line of lines) {
    if (context.io.outputClosed?.aborted) return;
    context.io.stdout.write(line);
  }
}

async function* counted(rows: AsyncIterable<ProfileRow>, onRow: () => void): AsyncGenerator<ProfileRow> {
  for await (const row of rows) {
    onRow();
    yield row;
  }
}
