import { RequestValidationError } from '../../errors/request-validation-error.js';
import { UnsafeResponseError } from '../../errors/unsafe-response-error.js';
import { trimTrailingSlashes } from '../../options.js';

/**
 * Builds a request path with every id in it checked and encoded, the one rule for ids in URLs:
 * each substitution is a one-key object naming the field, so a refusal says which one.
 *
 * An id is a non-negative safe integer or a string; a string that is empty, `.` or `..`, or holds
 * `/`, `\\`, `?`, `#` or a control character would change which resource the URL names (after
 * URL normalisation `export/jobs/.` is the collection itself) and is refused with a
 * `RequestValidationError` before anything is sent. The rest is percent-encoded.
 *
 * @example
 * ```ts
 * path`export/jobs/${{ id }}`; // 'export/jobs/42'
 * path`batches/${{ batchId }}/files`;
 * ```
 */
export function path(strings: TemplateStringsArray, ...ids: Array<Record<string, unknown>>): string {
  let result = strings[0]!;
  ids.forEach((named, index) => {
    const [field, value] = Object.entries(named)[0] ?? ['id', undefined];
    result += pathSegment(value, field) + strings[index + 1]!;
  });
  return result;
}

/** One id as a path segment, or a `RequestValidationError` naming `field`. */
export function pathSegment(id: unknown, field: string): string {
  const problem = idProblem(id);
  if (problem) throw new RequestValidationError(`${field} for the request path`, [{ path: field, message: problem }]);
  return encodeURIComponent(String(id));
}

function idProblem(id: unknown): string | undefined {
  if (typeof id === 'number') {
    return Number.isSafeInteger(id) && id >= 0 ? undefined : `must be a non-negative integer, got ${id}`;
  }
  if (typeof id !== 'string') return `must be a number or a string, got ${id === null ? 'null' : typeof id}`;
  if (id.trim() === '') return 'must not be empty';
  if (id === '.' || id === '..') return `must not be ${JSON.stringify(id)}: it would name another resource`;
  // Control characters are exactly what this refuses.
  // eslint-disable-next-line no-control-regex
  if (/[/?#\\\u0000-\u001f\u007f]/.test(id)) {
    return `must not contain "/", "?", "#", "\\" or control characters, got ${JSON.stringify(id)}`;
  }
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
  if (!link.startsWith('/') || link.startsWith('//'))
    return refuse(
      'must be a relative path starting with a single "/" (absolute and protocol-relative links are not followed)',
    );
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (link.includes('\\') || /[\u0000-\u001f\u007f]/.test(link))
    return refuse('must not contain a backslash or control characters');
  const queryAt = link.search(/[?#]/);
  let path = queryAt === -1 ? link : link.slice(0, queryAt);
  const rest = queryAt === -1 ? '' : link.slice(queryAt).split('#')[0]!;
  const base = trimTrailingSlashes(basePath);
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
  if (typeof link !== 'string' || link === '' || link.includes('\\') || link.startsWith('//'))
    return refuse('must be a link on the API origin');
  if (!URL.canParse(link, base)) return refuse('must be a valid URL');
  const url = new URL(link, base.origin);
  if (url.origin !== base.origin) return refuse(`must stay on ${base.origin}`);
  if (!url.pathname.startsWith(base.pathname)) return refuse(`must stay under ${base.pathname}`);
  return `${url.pathname.slice(base.pathname.length)}${url.search}`;
}
