import type { CommandSpec } from '../context.js';
import { DEFAULT_CONCURRENCY, withWaitOptions } from './shared.js';

export const exportSpec: CommandSpec = {
  name: 'export',
  define: (command) =>
    withWaitOptions(
      command
        .description(
          'from segments to files: reuse or create the dataset, create the job, wait, download every batch (with --format ndjson or csv, converted into one file)',
        )
        .option('--segment <id...>', 'segment id(s) to export')
        .requiredOption(
          '--out <path>',
          'the folder for the Parquet files (a sub-folder per segment with --segment-per-batch); with --format ndjson or csv, the file to write (- for stdout), as <path>.partial until complete: a failure never leaves half a file under its name',
        )
        .option(
          '--format <format>',
          'parquet (the files as exported), ndjson (one profile a line) or csv (nested fields as dot-path columns), converted as the files arrive',
          'parquet',
        )
        .option(
          '--parquet-dir <dir>',
          'with ndjson or csv: where the Parquet files are downloaded first (default <out>.parquet; for stdout, a temporary folder); removed after success, kept after a failure so that the resume reuses them',
        )
        .option('--keep-parquet', 'with ndjson or csv: keep the Parquet files after success')
        .option('--job <id>', 'resume an earlier export: wait for this job and download what is missing')
        .option('--dataset <id>', 'an existing profile export dataset')
        .option('--create-dataset <name>', 'create a profile export dataset with this name')
        .option('--segment-per-batch', 'one batch, and one folder, per segment')
        .option('--fields <paths>', 'comma-separated profile fields to export (default all)')
        .option('--concurrency <n>', 'files downloaded at once', DEFAULT_CONCURRENCY),
    ),
  examples: [
    [
      'Two segments into a new dataset, then to ./export',
      'aep-export-jobs export --segment seg-a seg-b --create-dataset "Weekly export" --out ./export',
    ],
    [
      'The profiles as CSV, one column per nested field, in one file',
      'aep-export-jobs export --segment seg-a --dataset 5b7c86968f7b6501e21ba9df --format csv --out audience.csv',
    ],
    [
      'Finish an interrupted export (the command is printed when one stops)',
      'aep-export-jobs export --job 1004 --out ./export',
    ],
  ],
  load: () => import('../commands/export.js'),
};
