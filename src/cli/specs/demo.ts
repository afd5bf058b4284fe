import type { CommandSpec } from '../context.js';

export const demoSpec: CommandSpec = {
  name: 'demo',
  define: (command) =>
    command.description('run the main job end to end on the embedded simulator: create, wait with progress, list'),
  examples: [
    ['Watch a job go from NEW to SUCCEEDED', 'aep-export-jobs demo'],
    ['The same, as JSON', 'aep-export-jobs demo --quiet --json'],
  ],
  load: () => import('../commands/demo.js'),
};
