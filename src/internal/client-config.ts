import { OAuthTokenProvider } from '../auth/oauth.js';
import { isTokenProvider, toTokenSource } from '../auth/token-provider.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import {
  checkFunction,
  checkHeaders,
  checkMaxRetries,
  checkPositiveInteger,
  checkTimeout,
  checkUrl,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT,
  requireText,
  type ExportJobsClientOptions,
} from '../options.js';
import type { TransportConfig } from './http/transport.js';

/** The three services a client speaks, each a transport's settings; they share one token source. */
export interface ServiceConfigs {
  exportJobs: TransportConfig;
  catalog: TransportConfig;
  dataAccess: TransportConfig;
}

/**
 * Checks client options (every problem a `ConfigurationError` naming the option, before anything
 * is sent) and resolves them into the transports' settings.
 */
export function resolveClientOptions(options: ExportJobsClientOptions): ServiceConfigs {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options', 'expected an object');
  const baseUrl = checkUrl('baseUrl', options.baseUrl ?? DEFAULT_BASE_URL);
  const timeout = checkTimeout('timeout', options.timeout ?? DEFAULT_TIMEOUT);
  const maxRetries = checkMaxRetries('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES);
  checkFunction('fetch', options.fetch);
  if (options.logger !== undefined && typeof options.logger?.debug !== 'function') {
    throw new ConfigurationError('logger', 'must have a debug(message, fields) method');
  }
  if (options.defaultHeaders !== undefined) checkHeaders('defaultHeaders', options.defaultHeaders);
  const { token, apiKey } = resolveAuth(options, timeout, maxRetries);
  const exportJobs: TransportConfig = {
    baseUrl,
    token,
    platform: {
      apiKey: requireText('apiKey', apiKey),
      orgId: requireText('orgId', options.orgId),
      sandboxName: requireText('sandboxName', options.sandboxName),
    },
    timeout,
    maxRetries,
    fetch: options.fetch,
    logger: options.logger,
    headers: options.defaultHeaders,
    maxResponseBytes:
      options.maxResponseBytes === undefined
        ? undefined
        : checkPositiveInteger('maxResponseBytes', options.maxResponseBytes),
  };
  // The same token source, headers, retries and logger: one HTTP core for every AEP API used.
  const origin = new URL(baseUrl).origin;
  return {
    exportJobs,
    catalog: {
      ...exportJobs,
      baseUrl: checkUrl('catalogUrl', options.catalogUrl ?? `${origin}/data/foundation/catalog`),
    },
    dataAccess: {
      ...exportJobs,
      baseUrl: checkUrl('dataAccessUrl', options.dataAccessUrl ?? `${origin}/data/foundation/export`),
    },
  };
}

/** One token source from `accessToken` or `credentials`; `apiKey` defaults to the client id. */
function resolveAuth(options: ExportJobsClientOptions, timeout: number, maxRetries: number) {
  const { accessToken, credentials } = options;
  if (accessToken !== undefined && credentials !== undefined) {
    throw new ConfigurationError('credentials', 'give accessToken or credentials, not both');
  }
  if (credentials !== undefined) {
    if (typeof credentials !== 'object' || credentials === null) {
      throw new ConfigurationError('credentials', 'expected { clientId, clientSecret, scopes?, imsUrl? }');
    }
    const provider = new OAuthTokenProvider({
      ...credentials,
      timeout,
      maxRetries,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return { token: toTokenSource(provider), apiKey: options.apiKey ?? provider.clientId, provider };
  }
  if (typeof accessToken === 'string') requireText('accessToken', accessToken);
  else if (typeof accessToken !== 'function' && !isTokenProvider(accessToken)) {
    throw new ConfigurationError(
      'accessToken',
      'is required: a token string, a function that returns one, or a TokenProvider (or give credentials)',
    );
  }
  return { token: toTokenSource(accessToken), apiKey: options.apiKey };
}
