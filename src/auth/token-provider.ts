import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * Where the bearer token comes from. `invalidate` (optional) drops a token the API refused, so
 * that the next `getToken` fetches a new one; a source that has it gets one replay after a 401.
 */
/** @internal */
export interface TokenSource {
  getToken(): Promise<string>;
  invalidate?(token: string): void;
}

/**
 * Something that hands out bearer tokens and can be told that one was refused. The SDK's
 * `OAuthTokenProvider` is one; a provider of your own (a vault, a sidecar) can be too. Pass it as
 * `accessToken`: after a 401 the client calls `invalidate(token)`, then `getToken()` again, and
 * replays the request once.
 */
export interface TokenProvider {
  /** A valid token, fetching a new one if needed. */
  getToken(): Promise<string>;
  /** The API refused this token: do not hand it out again. */
  invalidate?(token: string): void;
}

/** An access token, a function returning one (called for each request), or a {@link TokenProvider}. */
export type AccessTokenSource = string | (() => string | Promise<string>) | TokenProvider;

/** The transport's view of any accepted token source. */
export function toTokenSource(accessToken: AccessTokenSource): TokenSource {
  if (typeof accessToken === 'string') return { getToken: async () => accessToken };
  if (typeof accessToken === 'function') return { getToken: async () => checkToken(await accessToken()) };
  const provider = accessToken;
  return {
    getToken: async () => checkToken(await provider.getToken()),
    ...(provider.invalidate ? { invalidate: (token: string) => provider.invalidate?.(token) } : {}),
  };
}

function checkToken(token: unknown): string {
  if (typeof token !== 'string' || token.trim() === '') throw new ConfigurationError('accessToken', 'the token source returned no token');
  return token;
}

export function isTokenProvider(value: unknown): value is TokenProvider {
  return typeof value === 'object' && value !== null && typeof (value as TokenProvider).getToken === 'function';
}
