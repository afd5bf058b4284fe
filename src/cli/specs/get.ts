import type { CommandSpec } from '../context.js';
import { withFieldSelection } from './shared.js';

export const getSpec: CommandSpec = {
  name: 'get',
  define: (command) => withFieldSelection(command.description('show one export job').argument('<id>', 'export job id')),
  examples: [
    ['One job in detail', 'aep-export-jobs get 42'],
    ['The job as the API returns it', 'aep-export-jobs get 42 --json'],
    [
      'Only some fields, as JSON',
      'aep-export-jobs get 42 --json --fields id,status,metrics.totalExportedProfileCounter',
    ],
  ],
  load: () => import('../commands/get.js'),
};
