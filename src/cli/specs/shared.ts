// Options shared by several commands, with help that says the unit of every duration.
import type { Command } from 'commander';
import { FIELD_NAMES } from '../names.js';

/** Files `export` downloads at once unless `--concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = '4';

const DURATION = 'with its unit: 500ms, 30s, 10m, 1h (a bare number is refused)';

export function withWaitOptions(command: Command): Command {
  return command
    .option('--timeout <duration>', `give up waiting after this long, ${DURATION}`, '30m')
    .option('--min-delay <duration>', `first wait between polls, ${DURATION}`, '2s')
    .option('--max-delay <duration>', `longest wait between polls (doubling from --min-delay), ${DURATION}`, '30s')
    .option('--cancel-on-interrupt', 'cancel the job on Ctrl-C or when --timeout passes');
}

export function withCreateOptions(command: Command): Command {
  return command
    .option('--file <path>', 'the create request as a JSON file (as in the API docs)')
    .option('--dataset <id>', 'destination dataset id')
    .option('--segment <id...>', 'segment id(s) to export')
    .option('--segment-per-batch', 'one batch per segment')
    .option('--fields <paths>', 'comma-separated profile fields to export (default all)')
    .option('--merge-policy <id>', 'merge policy id');
}

/** `--fields` of the commands that print jobs (not `create`, `run` and `export`, whose --fields are the profile's). */
export function withFieldSelection(command: Command): Command {
  return command.option(
    '--fields <list>',
    `only these job fields, in this order, in the table or the JSON: short names (${FIELD_NAMES.join(', ')}) or JSON paths such as destination.datasetId`,
  );
}
