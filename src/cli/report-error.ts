// Errors as one line on stderr and the documented exit code. Loaded only when something failed.
import {
  ConfigurationError,
  ExportJobCancelledError,
  ExportJobFailedError,
  ExportJobsError,
  RequestValidationError,
  WaitTimeoutError,
} from '../index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { cleanText } from './output/sanitize.js';
import { UsageError } from './usage-error.js';

/** One line on stderr (server text in it cleaned of escape sequences), and the exit code. */
export function reportError(error: unknown, io: CliIo, exitCode: number): number {
  // The reader of stdout went away (`| head`): nothing to tell anyone, and no failure of ours.
  if (io.outputClosed?.aborted) return exitCode;
  if (io.signal?.aborted) {
    io.stderr.write('Interrupted\n');
    return ExitCode.Interrupted;
  }
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  io.stderr.write(`${cleanText(`${name}${message}`)}\n`);
  if (error instanceof UsageError || error instanceof RequestValidationError || error instanceof ConfigurationError)
    return ExitCode.Usage;
  if (error instanceof ExportJobFailedError || error instanceof ExportJobCancelledError) return ExitCode.JobFailed;
  if (error instanceof WaitTimeoutError) return ExitCode.WaitTimeout;
  if (error instanceof ExportJobsError) return ExitCode.ApiError;
  return ExitCode.ApiError;
}
