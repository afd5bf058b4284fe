import { describeReconcileEvent, type CreateOptions, type ExportJobsClient, type Logger } from '../index.js';
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

/**
 * What an ambiguous create did, said on stderr ("the create timed out; found export job 1042
 * created at ... and continued with it"). An unresolved look-up is not said here: the thrown
 * AmbiguousCreateError's message says it, with the candidates.
 */
export function reconcileReport(
  context: CommandContext,
  say?: (line: string) => void,
): Pick<CreateOptions, 'onReconcile'> {
  const write = say ?? ((line: string) => context.io.stderr.write(`${line}\n`));
  return {
    onReconcile: (event) => {
      if (context.globals.quiet || (event.type !== 'recovered' && event.type !== 'resend')) return;
      write(cleanLine(describeReconcileEvent(event)));
    },
  };
}
