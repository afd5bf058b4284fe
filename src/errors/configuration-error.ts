import { ExportJobsError } from './export-jobs-error.js';

/**
 * Thrown by the `ExportJobsClient` constructor (or `withOptions`) when an option is missing or
 * invalid. `option` names it.
 */
export class ConfigurationError extends ExportJobsError {
  override name = 'ConfigurationError';
  /** The option at fault, for example `sandboxName`. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`Invalid ExportJobsClient option \`${option}\`: ${problem}`);
    this.option = option;
  }
}
