import { ExportJobsError } from './export-jobs-error.js';

/**
 * An option is missing or invalid: thrown by the `ExportJobsClient` constructor (or
 * `withOptions`), or by a call whose per-call options are invalid, always before anything is
 * sent. `option` names it; a value that could be secret (a token, a header) is never shown.
 *
 * @example
 * ```ts
 * try {
 *   new ExportJobsClient({ accessToken: 'token', apiKey: 'key', orgId: 'org', sandboxName: '' });
 * } catch (error) {
 *   if (error instanceof ConfigurationError) console.error(error.option); // sandboxName
 * }
 * ```
 */
export class ConfigurationError extends ExportJobsError {
  override name = 'ConfigurationError';
  /** The option at fault, for example `sandboxName`. */
  readonly option: string;

  constructor(option: string, problem: string, options?: { cause?: unknown }) {
    const cause = options?.cause === undefined ? undefined : { cause: options.cause };
    super(`Invalid option \`${option}\`: ${problem}`, cause);
    this.option = option;
  }
}
