import { ApiError } from '../errors/api-error.js';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import type { StreamResult } from '../internal/http/transport.js';

/** What a response promises to deliver, once its status and headers have been checked. */
export interface Accepted {
  /** The byte of the file the body starts at: 0, or the offset asked for. */
  start: number;
  /** The byte the body ends before, when known: the body may not deliver past it. */
  end: number | undefined;
  /** The file's whole size, when known from the listing or the response. */
  size: number | undefined;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

function refuse(name: string, why: string, status: number, requestId: string | undefined): never {
  throw new ResponseValidationError(`Refused the response for ${name}: ${why}`, { body: '', status, requestId });
}

function contentLength(response: StreamResult): number | undefined {
  const header = response.headers.get('content-length');
  return header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
}

/**
 * Checks a download's status and headers against what was asked: from `offset` (a `Range` was
 * sent only when it is above 0) of a file of `size` bytes when known. Every 206 must answer the
 * range actually sent, to the end of the file; a 206 that nobody asked for could be written as
 * the start of the file.
 */
export function acceptResponse(
  name: string,
  response: StreamResult,
  offset: number,
  size: number | undefined,
): Accepted {
  const { status, requestId } = response;
  const length = contentLength(response);
  if (status === 200) {
    if (size !== undefined && length !== undefined && length !== size)
      refuse(name, `the body is ${length} bytes, the file ${size}`, status, requestId);
    return { start: 0, end: size ?? length, size: size ?? length };
  }
  if (status !== 206) refuse(name, `unexpected status ${status} for a download`, status, requestId);
  if (offset === 0) refuse(name, 'a 206 Partial Content answered a request sent without Range', status, requestId);
  const header = response.headers.get('content-range');
  const match = CONTENT_RANGE.exec(header ?? '');
  if (!match)
    refuse(name, `asked for bytes ${offset}-, got Content-Range ${JSON.stringify(header)}`, status, requestId);
  const [first, last, total] = [Number(match[1]), Number(match[2]), match[3] === '*' ? undefined : Number(match[3])];
  const wanted = `asked for bytes ${offset}- of ${size ?? 'a file of unknown size'}, got Content-Range ${header}`;
  if (first !== offset || last < first) refuse(name, wanted, status, requestId);
  if (size !== undefined && total !== size) refuse(name, wanted, status, requestId);
  const whole = size ?? total;
  // An open-ended range runs to the end of the file: a shorter or longer answer is not the one asked for.
  if (whole !== undefined && last !== whole - 1) refuse(name, wanted, status, requestId);
  if (length !== undefined && length !== last - first + 1)
    refuse(name, `${wanted}, with a ${length}-byte body`, status, requestId);
  return { start: offset, end: last + 1, size: whole };
}

/**
 * A 416 to a resume means the server has nothing from `offset` on. With `Content-Range: bytes
 * *\/offset` and a size that agrees (or none), the `.part` is the whole file (a run stopped before the rename):
 * `true`. Anything else is a file shorter than its listing: a `ResponseValidationError`.
 */
export function isCompleteAt(name: string, error: unknown, offset: number, size: number | undefined): boolean {
  if (!(error instanceof ApiError && error.status === 416 && offset > 0)) throw error;
  const total = /^bytes \*\/(\d+)$/.exec(error.headers['content-range'] ?? '')?.[1];
  if (total !== undefined && Number(total) === offset && (size === undefined || size === offset)) return true;
  throw new ResponseValidationError(
    `${name} is ${total ?? `at most ${offset}`} bytes on the server, but the listing says ${size ?? 'more'}`,
    {
      body: '',
      status: 416,
      requestId: error.requestId,
    },
  );
}
