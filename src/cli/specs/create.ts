import type { CommandSpec } from '../context.js';
import { withCreateOptions } from './shared.js';

export const createSpec: CommandSpec = {
  name: 'create',
  define: (command) => withCreateOptions(command.description('create an export job')),
  examples: [
    ['From a request file, as in the API docs', 'aep-export-jobs create --file request.json'],
    [
      'From options',
      'aep-export-jobs create --dataset 5b7c86968f7b6501e21ba9df --segment 52c26d0d-45f2-47a2-ab30-ed06abc981ff',
    ],
    ['Keep the id for later', 'id=$(aep-export-jobs create --file request.json --json | jq .id)'],
  ],
  load: () => import('../commands/create.js'),
};
