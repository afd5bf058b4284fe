/**
 * The API gateway in front of every simulated service: the authentication headers, checked in the
 * order Adobe's gateway reports them and answered with its bodies, and the request size cap.
 */
import { imsError, type SimulatedIms } from './ims.js';
import { gatewayError } from './responses.js';

/**
 * The credentials the simulator accepts. Anything left unset accepts any non-empty value, so a
 * simulator with no `credentials` only checks that each header is present.
 */
export interface SimulatorCredentials {
  /**
   * The bearer token, or a predicate over the token (to accept a family of tokens, or count renewals).
   * Tokens issued by the simulator's own IMS are not checked against it: they are valid until they
   * expire on the simulator's clock.
   */
  accessToken?: string | ((token: string) => boolean);
  /** The `x-api-key`, or a predicate over it. */
  apiKey?: string | ((apiKey: string) => boolean);
  /** The only `x-gw-ims-org-id` accepted; another one gets 403 `403025`. */
  orgId?: string;
}

/** Who is asking, as the gateway read it from the headers. */
export interface Scope {
  orgId: string;
  sandbox: string;
  requestId: string;
  profileInstanceId: string | undefined;
}

/** The gateway's checks of one simulator: its credentials, and its IMS for the tokens it issued. */
export class Gateway {
  readonly #credentials: SimulatorCredentials;
  readonly #ims: SimulatedIms;

  constructor(credentials: SimulatorCredentials, ims: SimulatedIms) {
    this.#credentials = { ...credentials };
    this.#ims = ims;
  }

  /** The organization `credentials` pin, if any. */
  get orgId(): string | undefined {
    return this.#credentials.orgId;
  }

  /** The caller's scope, or the gateway's answer to the first header it finds wrong. */
  authenticate(headers: Headers, requestId: string): Scope | Response {
    const authorization = headers.get('authorization')?.trim();
    if (!authorization) return gatewayError(403, '403010', 'Oauth token is missing');
    const apiKey = headers.get('x-api-key')?.trim();
    if (!apiKey) return gatewayError(403, '403000', 'Api Key is required');
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    if (token === undefined || !this.#acceptsToken(token))
      return gatewayError(401, '401013', 'Oauth token is not valid');
    if (!accepts(this.#credentials.apiKey, apiKey)) return gatewayError(403, '403003', 'Api Key is invalid');
    const orgId = headers.get('x-gw-ims-org-id')?.trim();
    if (!orgId) return gatewayError(400, '400003', 'Missing required header x-gw-ims-org-id');
    const pinned = this.#credentials.orgId;
    if (pinned !== undefined && orgId !== pinned) return gatewayError(403, '403025', 'Profile is not valid');
    const sandbox = headers.get('x-sandbox-name')?.trim();
    if (!sandbox) return gatewayError(400, '400003', 'Missing required header x-sandbox-name');
    const profileInstanceId = headers.get('x-profile-instance-id')?.trim() || undefined;
    return { orgId, sandbox, requestId, profileInstanceId };
  }

  /** A token of the simulator's IMS is judged by its expiry; any other by `credentials.accessToken`. */
  #acceptsToken(token: string): boolean {
    const verdict = this.#ims.verify(token);
    return verdict === 'foreign' ? accepts(this.#credentials.accessToken, token) : verdict === 'valid';
  }
}

function accepts(expected: string | ((value: string) => boolean) | undefined, value: string): boolean {
  if (expected === undefined) return true;
  return typeof expected === 'function' ? expected(value) === true : expected === value;
}

/**
 * The request's body as text, reading no more than `limit` bytes: `undefined` as soon as its
 * `Content-Length` or the bytes read so far pass the cap, the rest left unread (the stream is
 * cancelled), so an endless or huge upload costs at most `limit` bytes of memory.
 */
export async function readCappedText(request: Request, limit: number): Promise<string | undefined> {
  const body = request.body;
  if (body === null) return '';
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    // Not awaited: a source that never ends may never settle its cancel either.
    body.cancel().catch(() => {});
    return undefined;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The answer to a body over the cap: the gateway's body shape, or IMS's on its token endpoint.
 * Adobe publishes no code for it; `413001` is the simulator's own.
 */
export function bodyTooLarge(limit: number, ims: boolean): Response {
  const message = `Request body is larger than ${limit} bytes`;
  return ims ? imsError(413, 'invalid_request', message) : gatewayError(413, '413001', message);
}
