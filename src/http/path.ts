import { RequestValidationError } from '../errors/request-validation-error.js';

/**
 * Turns an export job id into one safe path segment. Ids are numbers in the API; a string id is
 * accepted for ids read from elsewhere, but one that could change the URL's meaning (`/`, `?`,
 * `#`, `..`, `\`) is refused before anything is sent, and the rest is percent-encoded.
 */
export function jobIdSegment(id: number | string, field = 'id'): string {
  const problem = idProblem(id);
  if (problem) throw new RequestValidationError('export job id', [{ path: field, message: problem }]);
  return encodeURIComponent(String(id));
}

function idProblem(id: unknown): string | undefined {
  if (typeof id === 'number') {
    return Number.isSafeInteger(id) && id >= 0 ? undefined : `must be a non-negative integer, got ${id}`;
  }
  if (typeof id !== 'string') return `must be a number or a string, got ${id === null ? 'null' : typeof id}`;
  if (id.trim() === '') return 'must not be empty';
  if (/[/?#\\]/.test(id) || id.includes('..')) return `must not contain "/", "?", "#", "\\" or "..", got ${JSON.stringify(id)}`;
  return undefined;
}
