import { ExportJobsError } from './export-jobs-error.js';

/**
 * The server sent a link or a file name the SDK refuses to follow or write: a `link.next` or
 * Data Access link to another origin or path, or a file name that would land outside the download
 * folder. Nothing was sent there and nothing was written. `field` names what was refused.
 */
export class UnsafeResponseError extends ExportJobsError {
  override name = 'UnsafeResponseError';
  /** What was refused: `link.next`, `_links.next.href`, `file name`... */
  readonly field: string;
  /** The refused value (at most 200 characters). */
  readonly value: string;

  constructor(field: string, value: string, problem: string) {
    const shown = value.slice(0, 200);
    super(`Refused the server's ${field} ${JSON.stringify(shown)}: ${problem}`);
    this.field = field;
    this.value = shown;
  }
}
