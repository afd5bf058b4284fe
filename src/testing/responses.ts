/** The error bodies of the simulated API, in the three shapes AEP sends. */
import { reasonPhrase } from '../internal/http/reasons.js';

/** Statuses whose responses may not carry a body (the Fetch API refuses to build one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function statusText(status: number): string {
  return reasonPhrase(status) ?? 'Error';
}

export function jsonResponse(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  if (NULL_BODY_STATUSES.has(status)) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=utf-8', ...headers },
  });
}

/** The API gateway's body, for authentication and header problems: `{ error_code, message }`. */
export function gatewayError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse({ error_code: code, message }, status, headers);
}

/** The Segmentation Service's body: `{ requestId, errors: { "404": [{ code, message }] }, type, title, status }`. */
export function serviceError(
  status: number,
  code: string,
  messages: readonly string[],
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  const body = {
    requestId,
    errors: { [String(status)]: messages.map((message) => ({ code, message })) },
    type: `https://ns.adobe.com/aep/errors/${code}`,
    title: messages[0] ?? statusText(status),
    status,
  };
  return jsonResponse(body, status, headers);
}

/** The default body of an injected status fault: the gateway's for 401 and 429, a platform problem otherwise. */
export function faultBody(status: number, requestId: string): unknown {
  if (status === 429) return { error_code: '429050', message: 'Too many requests' };
  if (status === 401) return { error_code: '401013', message: 'Oauth token is not valid' };
  return {
    type: `https://ns.adobe.com/aep/errors/simulated-${status}`,
    title: statusText(status),
    status,
    detail: 'Injected by ExportJobsSimulator',
    report: { additionalContext: { 'request-id': requestId } },
  };
}

/** An injected status fault's response: `body` as given (object as JSON, string as is, null as empty). */
export function faultResponse(status: number, body: unknown, headers: Record<string, string>): Response {
  if (body === null || NULL_BODY_STATUSES.has(status)) return new Response(null, { status, headers });
  if (typeof body === 'string') {
    const type = /^\s*</.test(body) ? 'text/html;charset=utf-8' : 'text/plain;charset=utf-8';
    return new Response(body, { status, headers: { 'content-type': type, ...headers } });
  }
  return jsonResponse(body, status, headers);
}

/**
 * The platform problem body Catalog and Data Access answer errors with:
 * `{ type, title, status, detail, report: { additionalContext: { "request-id" } } }`. The codes are
 * the simulator's own (Adobe publishes none for these routes).
 */
export function platformProblem(
  status: number,
  code: string,
  detail: string,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(
    {
      type: `http://ns.adobe.com/aep/errors/${code}`,
      title: statusText(status),
      status,
      detail,
      report: { additionalContext: { 'request-id': requestId } },
    },
    status,
    headers,
  );
}
