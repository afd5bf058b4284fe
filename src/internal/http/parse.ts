import type { z } from 'zod';
import { ResponseValidationError } from '../../errors/response-validation-error.js';
import { toValidationIssues } from '../validation.js';
import type { HttpResult } from './transport.js';

/**
 * Parses a 2xx body with a schema; anything else is a `ResponseValidationError` with the raw body,
 * in which the transport masks the secrets it knows (a page that echoes the request's headers).
 */
export function parseBody<S extends z.ZodType>(result: HttpResult, schema: S): z.output<S> {
  const scrub = <E>(error: E): E => result.scrub?.(error) ?? error;
  let json: unknown;
  try {
    json = JSON.parse(result.text);
  } catch {
    throw scrub(
      new ResponseValidationError(
        `Expected a JSON body with status ${result.status}, got ${result.text ? 'invalid JSON' : 'an empty body'} (request id ${result.requestId})`,
        {
          requestId: result.requestId,
          body: result.text,
          status: result.status,
        },
      ),
    );
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const requestId = readRequestId(json) ?? result.requestId;
  const problems = toValidationIssues(parsed.error.issues).map(
    (issue) => `${issue.path || '(root)'}: ${issue.message}`,
  );
  throw scrub(
    new ResponseValidationError(`Unexpected response body (request id ${requestId}): ${problems.join('; ')}`, {
      issues: parsed.error.issues,
      requestId,
      body: result.text,
      status: result.status,
    }),
  );
}

function readRequestId(json: unknown): string | undefined {
  return typeof json === 'object' && json !== null && 'requestId' in json && typeof json.requestId === 'string'
    ? json.requestId
    : undefined;
}
