import { ExportJobsClient, type ExportJobsClientOptions, type Logger } from '../index.js';
import { UsageError } from './usage-error.js';

/** Connection flags shared by every API command. */
export interface ConnectionFlags {
  accessToken?: string;
  apiKey?: string;
  orgId?: string;
  sandbox?: string;
  baseUrl?: string;
  requestTimeout?: string;
  verbose?: boolean;
}

const SETTINGS = [
  ['accessToken', '--access-token', 'AEP_ACCESS_TOKEN'],
  ['apiKey', '--api-key', 'AEP_API_KEY'],
  ['orgId', '--org-id', 'AEP_ORG_ID'],
  ['sandbox', '--sandbox', 'AEP_SANDBOX_NAME'],
] as const;

/**
 * Builds a client from flags, falling back to the environment. Every missing setting is named,
 * with both ways to give it.
 */
export function clientFromSettings(flags: ConnectionFlags, env: Record<string, string | undefined>, logger?: Logger): ExportJobsClient {
  const values: Partial<Record<(typeof SETTINGS)[number][0], string>> = {};
  const missing: string[] = [];
  for (const [key, flag, variable] of SETTINGS) {
    const value = flags[key] ?? env[variable];
    if (value === undefined || value.trim() === '') missing.push(`${flag} or ${variable}`);
    else values[key] = value;
  }
  if (missing.length > 0) throw new UsageError(`Missing setting${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  const options: ExportJobsClientOptions = {
    accessToken: values.accessToken!,
    apiKey: values.apiKey!,
    orgId: values.orgId!,
    sandboxName: values.sandbox!,
  };
  const baseUrl = flags.baseUrl ?? env.AEP_BASE_URL;
  if (baseUrl) options.baseUrl = baseUrl;
  if (flags.requestTimeout !== undefined) options.timeout = parseDuration(flags.requestTimeout, '--request-timeout');
  if (logger) options.logger = logger;
  return new ExportJobsClient(options);
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A duration flag: milliseconds, or a number with `ms`, `s`, `m` or `h` (`90s`, `10m`, `1.5h`). */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * UNITS[match[2] ?? 'ms']! : Number.NaN;
  if (!(value > 0)) throw new UsageError(`${flag} must be a duration such as 5000, 30s, 10m or 1h; got ${JSON.stringify(text)}`);
  return Math.round(value);
}

/** A positive integer flag. */
export function parseCount(text: string, flag: string): number {
  const value = Number(text);
  if (!(Number.isInteger(value) && value > 0)) throw new UsageError(`${flag} must be a positive integer; got ${JSON.stringify(text)}`);
  return value;
}
