import { ExportJobsError } from './export-jobs-error.js';

/** One problem with a value the caller passed: where it is and what is wrong with it. */
export interface ValidationIssue {
  /** Where the problem is, as a dot path such as `destination.datasetId` or `filter.segments.0.segmentId`. */
  readonly path: string;
  /** What is wrong, in words. */
  readonly message: string;
}

/**
 * The caller's input was refused before anything was sent: a create request that does not match
 * the API's rules, or an export job id that cannot be put in a URL path. `issues` lists every
 * problem, each with its field path.
 *
 * @example
 * ```ts
 * try {
 *   await client.createExportJob({ destination: { datasetId: '' }, schema: { name: '_xdm.context.profile' } });
 * } catch (error) {
 *   if (error instanceof RequestValidationError) {
 *     for (const issue of error.issues) console.error(`${issue.path}: ${issue.message}`);
 *   }
 * }
 * ```
 */
export class RequestValidationError extends ExportJobsError {
  override name = 'RequestValidationError';
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const list = issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n');
    super(`Invalid ${subject}, nothing was sent:\n${list}`);
    this.issues = issues;
  }
}
