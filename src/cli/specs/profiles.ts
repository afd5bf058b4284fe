import type { CommandSpec } from '../context.js';

export const profilesSpec: CommandSpec = {
  name: 'profiles',
  define: (command) =>
    command
      .description('read exported profiles (the Parquet files `export` wrote) as NDJSON or CSV, streaming')
      .argument('<paths...>', 'a folder written by export (with one sub-folder per segment), or Parquet files')
      .option(
        '--format <format>',
        'ndjson (one profile a line) or csv (nested fields as dot-path columns, lists as JSON in one cell)',
        'ndjson',
      )
      .option('--fields <paths>', 'only these fields, comma-separated dot paths (such as _id,personalEmail.address)')
      .option(
        '--out <file>',
        'write to this file instead of stdout (through <file>.partial, renamed when complete: a failure never leaves half a file under its name)',
      ),
  examples: [
    ['Every profile of an export, one JSON object a line', 'aep-export-jobs profiles ./export > profiles.ndjson'],
    [
      'Two fields as CSV, into a file',
      'aep-export-jobs profiles ./export --format csv --fields _id,personalEmail.address --out audience.csv',
    ],
    ['The first profiles of one file', 'aep-export-jobs profiles ./export/part-00000-*.snappy.parquet | head -3'],
  ],
  load: () => import('../commands/profiles.js'),
};
