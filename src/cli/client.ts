import type { ExportJobsClient, Logger } from '../index.js';
import { clientFromSettings, debugEnabled } from './config.js';
import type { CommandContext } from './context.js';
import { cleanLine } from './output/sanitize.js';

/**
 * The client for a command, from its flags and the environment. `--verbose`, or DEBUG naming
 * aep-export-jobs, prints the SDK's per-attempt lines (already redacted by the SDK) on stderr.
 */
export function clientFor(context: CommandContext): ExportJobsClient {
  const { io, globals } = context;
  const verbose = Boolean(globals.verbose) || debugEnabled(io.env);
  const logger: Logger | undefined = verbose
    ? { debug: (message) => io.stderr.write(`aep-export-jobs ${cleanLine(message)}\n`) }
    : undefined;
  return clientFromSettings(globals, io.env, logger);
}

/** The request options every call of a command shares. */
export function requestOptions(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
