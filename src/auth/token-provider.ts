import { ConfigurationError } from '../errors/configuration-error.js';
import { ExportJobsError } from '../errors/export-jobs-error.js';
import { abortable } from '../internal/http/sleep.js';

/**
 * Where the bearer token comes from. `invalidate` (optional) drops a token the API refused, so
 * that the next `getToken` fetches a new one; a source that has it gets one replay after a 401.
 */
/** @internal */
export interface TokenSource {
  /** Rejects with the signal's reason as soon as it aborts. */
  getToken(options?: { signal?: AbortSignal | undefined }): Promise<string>;
  invalidate?(token: string): void;
}

/**
 * Something that hands out bearer tokens and can be told that one was refused. The SDK's
 * `OAuthTokenProvider` is one; a provider of your own (a vault, a sidecar) can be too. Pass it as
 * `accessToken`: after a 401 the client calls `invalidate(token)`, then `getToken()` again, and
 * replays the request once.
 */
export interface TokenProvider {
  /**
   * A valid token, fetching a new one if needed. `signal` is the call's: the call stops waiting
   * for the token as soon as it aborts, whether or not the provider heeds it.
   */
  getToken(options?: { signal?: AbortSignal | undefined }): Promise<string>;
  /** The API refused this token: do not hand it out again. */
  invalidate?(token: string): void;
}

/** An access token, a function returning one (called for each request), or a {@link TokenProvider}. */
export type AccessTokenSource = string | (() => string | Promise<string>) | TokenProvider;

/**
 * The transport's view of any accepted token source. Whatever the source does, the wait for it
 * ends at the caller's abort, what it hands out is checked, and its own failures (a vault's error)
 * become a `ConfigurationError` naming `accessToken`, with the original as `cause`.
 */
export function toTokenSource(accessToken: AccessTokenSource): TokenSource {
  if (typeof accessToken === 'string') return { getToken: () => Promise.resolve(accessToken) };
  if (typeof accessToken === 'function')
    return { getToken: (options) => fromSource(() => accessToken(), options?.signal) };
  const provider = accessToken;
  return {
    getToken: (options) =>
      fromSource(() => provider.getToken(options?.signal ? { signal: options.signal } : undefined), options?.signal),
    ...(provider.invalidate ? { invalidate: (token: string) => provider.invalidate?.(token) } : {}),
  };
}

async function fromSource(get: () => unknown, signal: AbortSignal | undefined): Promise<string> {
  signal?.throwIfAborted();
  let token: unknown;
  try {
    token = await abortable(Promise.resolve().then(get), signal);
  } catch (error) {
    if (signal?.aborted || error instanceof ExportJobsError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError('accessToken', `the token source failed: ${reason.slice(0, 200)}`, { cause: error });
  }
  return checkToken(token);
}

function checkToken(token: unknown): string {
  if (typeof token !== 'string' || token.trim() === '')
    throw new ConfigurationError('accessToken', 'the token source returned no token');
  return token;
}

export function isTokenProvider(value: unknown): value is TokenProvider {
  return typeof value === 'object' && value !== null && typeof (value as TokenProvider).getToken === 'function';
}
