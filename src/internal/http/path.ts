import { RequestValidationError } from '../../errors/request-validation-error.js';
import { UnsafeResponseError } from '../../errors/unsafe-response-error.js';

/**
 * Turns an export job id into one safe path segment. Ids are numbers in the API; a string id is
 * accepted for ids read from elsewhere, but one that could change the URL's meaning (`/`, `?`,
 * `#`, `..`, `\`) is refused before anything is sent, and the rest is percent-encoded.
 */
export function jobIdSegment(id: number | string, field = 'id', subject = 'export job id'): string {
  const problem = idProblem(id);
  if (problem) throw new RequestValidationError(subject, [{ path: field, message: problem }]);
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

/**
 * Checks a `link.next` from a list response and returns what to request, relative to the base
 * URL. Only a same-origin relative path to the export jobs listing is followed: an absolute URL,
 * a `//host` reference, a backslash or any other path would send the token elsewhere. A link that
 * repeats the base path (`/data/core/ups/export/jobs?...`) is accepted without doubling it.
 * Linear-time string checks only.
 */
export function nextLinkPath(link: string, basePath: string): string {
  const refuse = (why: string): never => {
    throw new UnsafeResponseError('link.next', String(link), why);
  };
  if (typeof link !== 'string' || link === '') return refuse('must be a non-empty string');
  if (!link.startsWith('/') || link.startsWith('//')) return refuse('must be a relative path starting with a single "/" (absolute and protocol-relative links are not followed)');
  if (link.includes('\\') || /[\u0000-\u001f\u007f]/.test(link)) return refuse('must not contain a backslash or control characters');
  const queryAt = link.search(/[?#]/);
  let path = queryAt === -1 ? link : link.slice(0, queryAt);
  const rest = queryAt === -1 ? '' : link.slice(queryAt).split('#')[0]!;
  const base = basePath.replace(/\/+$/, '');
  if (base && (path === base || path.startsWith(`${base}/`))) path = path.slice(base.length);
  if (path !== '/export/jobs' && path !== '/export/jobs/') return refuse('must point at /export/jobs');
  return `${path.slice(1)}${rest}`;
}

/**
 * Turns a link from a Data Access response (absolute, `https://platform.adobe.io/data/foundation/export/files/1?path=a.parquet`,
 * or relative to the origin) into a path relative to `baseUrl`, refusing any link to another origin
 * or outside the base path: the token must never follow it elsewhere.
 */
export function linkUnder(link: string, baseUrl: string, field: string): string {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const refuse = (why: string): never => {
    throw new UnsafeResponseError(field, String(link), why);
  };
  if (typeof link !== 'string' || link === '' || link.includes('\\') || link.startsWith('//')) return refuse('must be a link on the API origin');
  if (!URL.canParse(link, base)) return refuse('must be a valid URL');
  const url = new URL(link, base.origin);
  if (url.origin !== base.origin) return refuse(`must stay on ${base.origin}`);
  if (!url.pathname.startsWith(base.pathname)) return refuse(`must stay under ${base.pathname}`);
  return `${url.pathname.slice(base.pathname.length)}${url.search}`;
}
