/**
 * HTTP reason phrases, for error messages and the simulator's problem bodies. A table of our own:
 * importing node:http for its STATUS_CODES costs ~20 ms at start-up.
 */
const REASONS: Readonly<Record<number, string>> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout',
  409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 418: "I'm a Teapot", 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** The reason phrase of a status (`404` -> `Not Found`), or `undefined` for one not in the table. */
export function reasonPhrase(status: number): string | undefined {
  return REASONS[status];
}
