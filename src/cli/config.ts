import { ExportJobsClient, type ExportJobsClientOptions, type Logger } from '../index.js';
import { parseDuration } from './parse.js';
import { UsageError } from './usage-error.js';

// Kept here too for the commands that read them from this module.
export { parseCount, parseDuration } from './parse.js';

/** Connection flags shared by every API command. */
export interface ConnectionFlags {
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string;
  imsUrl?: string;
  apiKey?: string;
  orgId?: string;
  sandbox?: string;
  baseUrl?: string;
  requestTimeout?: string;
  verbose?: boolean;
}

type Env = Record<string, string | undefined>;

/** A flag's value, else its environment variable's; blank counts as unset. */
function setting(flag: string | undefined, env: Env, variable: string): string | undefined {
  const value = flag ?? env[variable];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Builds a client from flags, falling back to the environment. Authentication is either a token
 * (`--access-token`, AEP_ACCESS_TOKEN) or OAuth Server-to-Server credentials (`--client-id` and
 * `--client-secret`, AEP_CLIENT_ID and AEP_CLIENT_SECRET, with AEP_SCOPES), in which case the API
 * key defaults to the client id. Every missing setting is named, with both ways to give it.
 */
export function clientFromSettings(flags: ConnectionFlags, env: Env, logger?: Logger): ExportJobsClient {
  const accessToken = setting(flags.accessToken, env, 'AEP_ACCESS_TOKEN');
  const clientId = setting(flags.clientId, env, 'AEP_CLIENT_ID');
  const clientSecret = setting(flags.clientSecret, env, 'AEP_CLIENT_SECRET');
  const apiKey = setting(flags.apiKey, env, 'AEP_API_KEY');
  const orgId = setting(flags.orgId, env, 'AEP_ORG_ID');
  const sandboxName = setting(flags.sandbox, env, 'AEP_SANDBOX_NAME');
  const oauth = accessToken === undefined && (clientId !== undefined || clientSecret !== undefined);
  const missing: string[] = [];
  if (oauth) {
    if (!clientId) missing.push('--client-id or AEP_CLIENT_ID');
    if (!clientSecret) missing.push('--client-secret or AEP_CLIENT_SECRET');
  } else {
    if (!accessToken) missing.push('--access-token or AEP_ACCESS_TOKEN (or --client-id and --client-secret)');
    if (!apiKey) missing.push('--api-key or AEP_API_KEY');
  }
  if (!orgId) missing.push('--org-id or AEP_ORG_ID');
  if (!sandboxName) missing.push('--sandbox or AEP_SANDBOX_NAME');
  if (missing.length > 0)
    throw new UsageError(`Missing setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);

  const scopes = setting(flags.scopes, env, 'AEP_SCOPES');
  const imsUrl = setting(flags.imsUrl, env, 'AEP_IMS_URL');
  const options: ExportJobsClientOptions = {
    ...(oauth
      ? {
          credentials: {
            clientId: clientId!,
            clientSecret: clientSecret!,
            ...(scopes ? { scopes } : {}),
            ...(imsUrl ? { imsUrl } : {}),
          },
        }
      : { accessToken: accessToken! }),
    ...(apiKey ? { apiKey } : {}),
    orgId: orgId!,
    sandboxName: sandboxName!,
  };
  const baseUrl = setting(flags.baseUrl, env, 'AEP_BASE_URL');
  if (baseUrl) options.baseUrl = baseUrl;
  if (flags.requestTimeout !== undefined) options.timeout = parseDuration(flags.requestTimeout, '--request-timeout');
  if (logger) options.logger = logger;
  return new ExportJobsClient(options);
}

/**
 * Whether `DEBUG` turns on the SDK's log lines, as the `debug` package reads it: a comma- or
 * space-separated list of names, `*` wildcards, and `-name` to exclude.
 */
export function debugEnabled(env: Env, name = 'aep-export-jobs'): boolean {
  const patterns = (env.DEBUG ?? '').split(/[\s,]+/).filter(Boolean);
  const matches = (pattern: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(name);
  if (patterns.some((pattern) => pattern.startsWith('-') && matches(pattern.slice(1)))) return false;
  return patterns.some((pattern) => !pattern.startsWith('-') && matches(pattern));
}
