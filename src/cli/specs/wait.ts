import type { CommandSpec } from '../context.js';
import { withFieldSelection, withWaitOptions } from './shared.js';

export const waitSpec: CommandSpec = {
  name: 'wait',
  define: (command) =>
    withFieldSelection(
      withWaitOptions(
        command
          .description('wait for an export job to finish; exit 0 succeeded, 1 failed, 3 timed out')
          .argument('<id>', 'export job id'),
      ),
    ),
  examples: [
    ['Wait up to 30 minutes (the default)', 'aep-export-jobs wait 42'],
    [
      'Wait up to an hour, cancel the job on Ctrl-C or at the deadline',
      'aep-export-jobs wait 42 --timeout 1h --cancel-on-interrupt',
    ],
    ['Poll every 5 to 60 seconds', 'aep-export-jobs wait 42 --min-delay 5s --max-delay 60s'],
  ],
  load: () => import('../commands/wait.js'),
};
