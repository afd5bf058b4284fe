import { ExportJobsError } from '../errors/export-jobs-error.js';

/** Why a file's profiles could not be read. */
export type ProfileReadProblem = 'not-parquet' | 'truncated' | 'missing-column' | 'no-files' | 'corrupt';

/**
 * Exported profiles could not be read: `file` is the file (or folder) at fault and `problem` says
 * how. Rows yielded before the error were read whole and stay valid: `rowsRead` says how many came
 * from `file` before it failed.
 *
 * @example
 * ```ts
 * try {
 *   for await (const row of readExportedProfiles('./export')) console.log(row);
 * } catch (error) {
 *   if (error instanceof ProfileReadError) console.error(`${error.file}: ${error.problem}`);
 *   else throw error;
 * }
 * ```
 */
export class ProfileReadError extends ExportJobsError {
  override name = 'ProfileReadError';
  readonly problem: ProfileReadProblem;
  /** The file (or folder, for `no-files`) at fault. */
  readonly file: string;
  /** The rows of `file` read before the failure. */
  readonly rowsRead: number;
  /** The missing column, for `missing-column`. */
  readonly column?: string;

  constructor(
    problem: ProfileReadProblem,
    file: string,
    message: string,
    details: { rowsRead?: number; column?: string; cause?: unknown } = {},
  ) {
    super(`${file}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.problem = problem;
    this.file = file;
    this.rowsRead = details.rowsRead ?? 0;
    if (details.column !== undefined) this.column = details.column;
  }
}
