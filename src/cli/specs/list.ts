import type { CommandSpec } from '../context.js';
import { STATUSES } from '../names.js';
import { withFieldSelection } from './shared.js';

export const listSpec: CommandSpec = {
  name: 'list',
  define: (command) =>
    withFieldSelection(
      command
        .description('list export jobs, newest first')
        .option(
          '--status <status>',
          `only jobs with this status, any case, comma-separated for several: ${STATUSES.join(', ')}. The API filters ` +
            'NEW, SUCCEEDED and FAILED (the values it documents); the CLI filters the others itself, from each page',
        )
        .option('--limit <n>', 'jobs per page')
        .option('--all', 'follow every page')
        .option('--max-items <n>', 'with --all: stop after this many jobs', '10000')
        .option('--jsonl', 'one JSON job per line, printed as the pages arrive (for long listings)'),
    ),
  examples: [
    ['The latest jobs, as a table fitted to the terminal', 'aep-export-jobs list'],
    ['Every job still running, as JSON lines', 'aep-export-jobs list --all --status processing --jsonl'],
    ['Ids and durations of failed jobs', 'aep-export-jobs list --all --status failed --fields id,duration,dataset'],
  ],
  load: () => import('../commands/list.js'),
};
