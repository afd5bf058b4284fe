import type { CommandSpec } from '../context.js';

export const cancelSpec: CommandSpec = {
  name: 'cancel',
  define: (command) => command.description('ask the service to cancel an export job').argument('<id>', 'export job id'),
  examples: [
    ['Cancel a job', 'aep-export-jobs cancel 42'],
    ["The service's answer as JSON", 'aep-export-jobs cancel 42 --json'],
  ],
  load: () => import('../commands/cancel.js'),
};
