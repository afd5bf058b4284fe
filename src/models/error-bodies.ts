import { z } from 'zod';
import { lenientObject } from './common.js';

const GatewayErrorBodyObject = lenientObject({
  /** Such as `401013`; a number is read as a string. */
  error_code: z.union([z.string(), z.number()]).transform(String),
  /** Such as `Oauth token is not valid`. */
  message: z.string().optional(),
});
/**
 * The API gateway's error body: `{ "error_code": "401013", "message": "Oauth token is not valid" }`.
 *
 * Fields the gateway adds are kept on the parsed object but are not part of this type: read one
 * with `(body as Record<string, unknown>).newField`.
 */
export interface GatewayErrorBody extends z.output<typeof GatewayErrorBodyObject> {}
/** Reads a {@link GatewayErrorBody}; unknown fields are kept. */
export const GatewayErrorBodySchema: z.ZodType<GatewayErrorBody> = GatewayErrorBodyObject;

const ServiceErrorEntrySchema = lenientObject({
  code: z.string().optional(),
  message: z.string().optional(),
});

const SegmentationErrorBodyObject = lenientObject({
  /** The request id to quote to Adobe. */
  requestId: z.string().optional(),
  /** `{ code, message }` entries keyed by HTTP status (`{ "404": [...] }`), or a plain array. */
  errors: z.union([z.record(z.string(), z.array(ServiceErrorEntrySchema)), z.array(ServiceErrorEntrySchema)]),
  /** A URL naming the error (`https://ns.adobe.com/aep/errors/UPAPI-113430-404`). */
  type: z.string().optional(),
  /** A one-line summary. */
  title: z.string().optional(),
  /** The HTTP status. */
  status: z.number().optional(),
});
/**
 * The Segmentation Service's error body: a request id, and `errors` keyed by status
 * (`{ "404": [{ code, message }] }`; an array is accepted too), with `type`, `title` and `status`.
 *
 * Fields the service adds are kept on the parsed object but are not part of this type: read one
 * with `(body as Record<string, unknown>).newField`.
 */
export interface SegmentationErrorBody extends z.output<typeof SegmentationErrorBodyObject> {}
/** Reads a {@link SegmentationErrorBody}; unknown fields are kept. */
export const SegmentationErrorBodySchema: z.ZodType<SegmentationErrorBody> = SegmentationErrorBodyObject;

const PlatformProblemObject = lenientObject({
  /** A URL naming the problem; its last path segment is the code. */
  type: z.string().optional(),
  /** A one-line summary. */
  title: z.string(),
  /** The HTTP status. */
  status: z.number().optional(),
  /** More about this occurrence. */
  detail: z.string().optional(),
  /** `additionalContext["request-id"]`: the request id to quote to Adobe. */
  report: lenientObject({
    additionalContext: lenientObject({ 'request-id': z.string().optional() }).optional(),
  }).optional(),
});
/**
 * The platform's problem body (RFC 7807 style): `type`, `title`, `status`, `detail`, and the
 * request id in `report.additionalContext["request-id"]`.
 *
 * Fields the platform adds (such as `error-chain`) are kept on the parsed object but are not part
 * of this type: read one with `(body as Record<string, unknown>)['error-chain']`.
 */
export interface PlatformProblem extends z.output<typeof PlatformProblemObject> {}
/** Reads a {@link PlatformProblem}; unknown fields are kept. */
export const PlatformProblemSchema: z.ZodType<PlatformProblem> = PlatformProblemObject;

const ImsErrorBodyObject = lenientObject({
  /** The OAuth 2 error code, such as `invalid_client`. */
  error: z.string(),
  /** A human-readable description. */
  error_description: z.string().optional(),
});
/**
 * Adobe IMS's error body (OAuth 2): `{ "error": "invalid_client", "error_description": "..." }`.
 *
 * Fields IMS adds are kept on the parsed object but are not part of this type: read one with
 * `(body as Record<string, unknown>).newField`.
 */
export interface ImsErrorBody extends z.output<typeof ImsErrorBodyObject> {}
/** Reads an {@link ImsErrorBody}; unknown fields are kept. */
export const ImsErrorBodySchema: z.ZodType<ImsErrorBody> = ImsErrorBodyObject;

/** What every error body shape says, read into one form. */
export interface ErrorDetails {
  code: string | undefined;
  requestId: string | undefined;
  /** A one-line summary: title, detail and the service's messages. */
  summary: string | undefined;
  /** A body `retryAfterMs` (the Profile API's 429 body), in ms. */
  retryAfterMs: number | undefined;
}

const lastPathSegment = (url: string | undefined): string | undefined => url?.split('/').filter(Boolean).pop();
const join = (...parts: Array<string | undefined>): string | undefined =>
  parts.filter((part): part is string => Boolean(part)).join(': ') || undefined;

/** Reads code, request id and a summary from any of the three AEP error body shapes. */
export function readErrorDetails(body: unknown): ErrorDetails {
  const retryAfterMs = readRetryAfterMs(body);
  const gateway = GatewayErrorBodySchema.safeParse(body);
  if (gateway.success) {
    return { code: gateway.data.error_code, requestId: undefined, summary: gateway.data.message, retryAfterMs };
  }
  const service = SegmentationErrorBodySchema.safeParse(body);
  if (service.success) {
    const entries = Array.isArray(service.data.errors)
      ? service.data.errors
      : Object.values(service.data.errors).flat();
    const messages = entries.map((entry) => entry.message).filter(Boolean);
    const title = service.data.title;
    const detail = messages.filter((message) => message !== title).join('; ');
    return {
      code: entries.find((entry) => entry.code)?.code ?? lastPathSegment(service.data.type),
      requestId: service.data.requestId,
      summary: join(title, detail),
      retryAfterMs,
    };
  }
  const ims = ImsErrorBodySchema.safeParse(body);
  if (ims.success) {
    return {
      code: ims.data.error,
      requestId: undefined,
      summary: ims.data.error_description ?? ims.data.error,
      retryAfterMs,
    };
  }
  const problem = PlatformProblemSchema.safeParse(body);
  if (problem.success) {
    return {
      code: lastPathSegment(problem.data.type),
      requestId: problem.data.report?.additionalContext?.['request-id'],
      summary: join(problem.data.title, problem.data.detail),
      retryAfterMs,
    };
  }
  return { code: undefined, requestId: undefined, summary: undefined, retryAfterMs };
}

function readRetryAfterMs(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('retryAfterMs' in body)) return undefined;
  const raw = body.retryAfterMs;
  // Only a number or a numeric string: anything else from a server is ignored, never coerced.
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
