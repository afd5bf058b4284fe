import { z } from 'zod';

/** The API gateway's error body: `{ "error_code": "401013", "message": "Oauth token is not valid" }`. */
export const GatewayErrorBodySchema = z.looseObject({
  error_code: z.union([z.string(), z.number()]).transform(String),
  message: z.string().optional(),
});
export type GatewayErrorBody = z.infer<typeof GatewayErrorBodySchema>;

const ServiceErrorEntrySchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
});

/**
 * The Segmentation Service's error body: a request id, and `errors` keyed by status
 * (`{ "404": [{ code, message }] }`; an array is accepted too), with `type`, `title` and `status`.
 */
export const SegmentationErrorBodySchema = z.looseObject({
  requestId: z.string().optional(),
  errors: z.union([
    z.record(z.string(), z.array(ServiceErrorEntrySchema)),
    z.array(ServiceErrorEntrySchema),
  ]),
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
});
export type SegmentationErrorBody = z.infer<typeof SegmentationErrorBodySchema>;

/**
 * The platform's problem body (RFC 7807 style): `type`, `title`, `status`, `detail`, and the
 * request id in `report.additionalContext["request-id"]`.
 */
export const PlatformProblemSchema = z.looseObject({
  type: z.string().optional(),
  title: z.string(),
  status: z.number().optional(),
  detail: z.string().optional(),
  report: z
    .looseObject({
      additionalContext: z.looseObject({ 'request-id': z.string().optional() }).optional(),
    })
    .optional(),
});
export type PlatformProblem = z.infer<typeof PlatformProblemSchema>;

/** Adobe IMS's error body (OAuth 2): `{ "error": "invalid_client", "error_description": "..." }`. */
export const ImsErrorBodySchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});
export type ImsErrorBody = z.infer<typeof ImsErrorBodySchema>;

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
    const entries = Array.isArray(service.data.errors) ? service.data.errors : Object.values(service.data.errors).flat();
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
    return { code: ims.data.error, requestId: undefined, summary: ims.data.error_description ?? ims.data.error, retryAfterMs };
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
