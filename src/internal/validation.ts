import type { z } from 'zod';
import { RequestValidationError, type ValidationIssue } from '../errors/request-validation-error.js';

/** zod's issues as field paths and plain messages, the shape every validation error carries. */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // A key that would read ambiguously in a dot path ("", "a.b") is quoted.
      const segment = (key: string) => (key === '' || key.includes('.') ? `[${JSON.stringify(key)}]` : key);
      return issue.keys.map((key) => ({
        path: path ? `${path}${key === '' || key.includes('.') ? '' : '.'}${segment(key)}` : segment(key),
        message: 'is not a field of this request',
      }));
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * Parses caller input with a schema, or throws `RequestValidationError` naming every field that
 * is wrong: the one way input is refused before anything is sent.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(value, { error: requiredMessage });
  if (!result.success) throw new RequestValidationError(subject, toValidationIssues(result.error.issues));
  return result.data;
}

/** "is required" for a missing value, rather than zod's "expected string, received undefined". */
function requiredMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;
}
