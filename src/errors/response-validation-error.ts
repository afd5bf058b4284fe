import type { z } from 'zod';
import { ExportJobsError } from './export-jobs-error.js';

/**
 * A successful response whose body is not what the API documents: not JSON, or missing a field
 * the SDK relies on (an export job without an `id`, say). Unknown fields and unknown status values
 * never cause this: they are kept.
 */
export class ResponseValidationError extends ExportJobsError {
  override name = 'ResponseValidationError';
  /** The zod issues; empty when the body was not JSON at all. */
  readonly issues: readonly z.core.$ZodIssue[];
  /** The response's request id (from the body, the `x-request-id` header or the one sent). */
  readonly requestId: string | undefined;
  /** The raw response body, as text. */
  readonly body: string;
  /** The HTTP status of the response. */
  readonly status: number;

  constructor(
    message: string,
    options: { issues?: readonly z.core.$ZodIssue[]; requestId?: string | undefined; body: string; status: number },
  ) {
    super(message);
    this.issues = options.issues ?? [];
    this.requestId = options.requestId;
    this.body = options.body;
    this.status = options.status;
  }
}
