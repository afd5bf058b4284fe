import type { CommandSpec } from '../context.js';
import { withCreateOptions, withWaitOptions } from './shared.js';

export const runSpec: CommandSpec = {
  name: 'run',
  define: (command) =>
    withWaitOptions(withCreateOptions(command.description('create an export job, then wait for it'))),
  examples: [
    ['Create from a file and wait', 'aep-export-jobs run --file request.json'],
    [
      'Quiet, the finished job as JSON, for a script',
      'aep-export-jobs run --file request.json --quiet --json > job.json',
    ],
  ],
  load: () => import('../commands/run.js'),
};
