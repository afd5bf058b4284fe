import type { CommandSpec } from '../context.js';
import { withWaitOptions } from './shared.js';

export const exportSpec: CommandSpec = {
  name: 'export',
  define: (command) =>
    withWaitOptions(
      command
        .description('from segments to files: reuse or create the dataset, create the job, wait, download every batch')
        .option('--segment <id...>', 'segment id(s) to export')
        .requiredOption('--out <dir>', 'folder for the files (one sub-folder per segment with --segment-per-batch)')
        .option('--job <id>', 'resume an earlier export: wait for this job and download what is missing')
        .option('--dataset <id>', 'an existing profile export dataset')
        .option('--create-dataset <name>', 'create a profile export dataset with this name')
        .option('--segment-per-batch', 'one batch, and one folder, per segment')
        .option('--fields <paths>', 'comma-separated profile fields to export (default all)')
        .option('--concurrency <n>', 'files downloaded at once', '4'),
    ),
  examples: [
    [
      'Two segments into a new dataset, then to ./export',
      'aep-export-jobs export --segment seg-a seg-b --create-dataset "Weekly export" --out ./export',
    ],
    [
      'One folder per segment, into an existing dataset',
      'aep-export-jobs export --segment seg-a seg-b --dataset 5b7c86968f7b6501e21ba9df --segment-per-batch --out ./export',
    ],
    [
      'Finish an interrupted export (the command is printed when one stops)',
      'aep-export-jobs export --job 1004 --out ./export',
    ],
  ],
  load: () => import('../commands/export.js'),
};
