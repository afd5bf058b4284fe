import { readErrorDetails } from '../models/error-bodies.js';
import { reasonPhrase } from '../internal/http/reasons.js';

/**
 * Reading an error response for `ApiError.from`: the request id, the server's wait and a
 * readable summary of any body, known AEP shape or not.
 */

const SNIPPET = 200;

/** What a non-2xx response says, ready for an `ApiError`. */
export interface ErrorResponseFacts {
  code: string | undefined;
  requestId: string | undefined;
  retryAfter: number | undefined;
  message: string;
}

/** Reads status, headers and body into the facts and message of an `ApiError`. */
export function readErrorResponse(
  status: number,
  headers: Headers,
  body: unknown,
  context: { method: string; path: string; requestIds: readonly string[] },
): ErrorResponseFacts {
  const details = readErrorDetails(body);
  const requestId = details.requestId ?? headers.get('x-request-id') ?? context.requestIds.at(-1);
  const retryAfter = parseRetryAfter(headers.get('retry-after')) ?? details.retryAfterMs;
  const described = details.summary ?? describeBody(body, headers.get('content-type'));
  const facts = [
    details.code && `code ${details.code}`,
    requestId && `request id ${requestId}`,
    retryAfter !== undefined && `retry after ${retryAfter} ms`,
  ].filter(Boolean);
  const message =
    `${context.method} ${context.path} -> ${status} ${reasonPhrase(status) ?? ''}`.trimEnd() +
    (described ? `: ${described}` : '') +
    (facts.length ? ` (${facts.join(', ')})` : '');
  return { code: details.code, requestId, retryAfter, message };
}

/** Something readable from a body that is not one of the known shapes. */
function describeBody(body: unknown, contentType: string | null): string | undefined {
  if (body === undefined || body === null || body === '') return 'empty response body';
  if (typeof body !== 'string') return `unrecognised error body ${truncate(safeStringify(body))}`;
  if (/<html|<!doctype/i.test(body) || contentType?.includes('html')) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    const text =
      title ||
      body
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return `HTML response (probably from a proxy): ${truncate(text)}`;
  }
  if (contentType?.includes('json') || /^\s*[[{]/.test(body)) return `unparseable JSON body: ${truncate(body)}`;
  return truncate(body.trim());
}

/** JSON for a message; a body too deep to serialise (a hostile or broken server) must not throw. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(too deeply nested to show)';
  }
}

const truncate = (text: string): string => (text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text);

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; `undefined` if absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
