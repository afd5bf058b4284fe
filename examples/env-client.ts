/**
 * Builds the examples' client from the environment:
 *
 *   AEP_ACCESS_TOKEN   an Adobe IMS access token, with
 *   AEP_API_KEY        the OAuth credential's client id;
 *                      or, instead of both, AEP_CLIENT_ID and AEP_CLIENT_SECRET (OAuth Server-to-Server)
 *   AEP_ORG_ID         the IMS org id, such as 1BD6382559DF0C130A49422D@AdobeOrg
 *   AEP_SANDBOX_NAME   the sandbox, such as prod
 *   AEP_SCOPES         optional, with OAuth: comma-separated scopes
 *   AEP_IMS_URL        optional, with OAuth: the IMS token endpoint (the simulator prints its own)
 *   AEP_BASE_URL       optional; default https://platform.adobe.io/data/core/ups
 */
import { ExportJobsClient, type ExportJobsClientOptions } from '../src/index.js';

/** A client from the AEP_* variables; throws naming every required variable that is missing or empty. */
export function clientFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ExportJobsClientOptions> = {}): ExportJobsClient {
  const value = (name: string) => env[name]?.trim() || undefined;
  const oauth = value('AEP_CLIENT_ID') !== undefined && value('AEP_CLIENT_SECRET') !== undefined;
  const required = oauth ? ['AEP_ORG_ID', 'AEP_SANDBOX_NAME'] : ['AEP_ACCESS_TOKEN', 'AEP_API_KEY', 'AEP_ORG_ID', 'AEP_SANDBOX_NAME'];
  const missing = required.filter((name) => value(name) === undefined);
  if (missing.length > 0) throw new Error(`Missing environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  const auth: Partial<ExportJobsClientOptions> = oauth
    ? {
        credentials: {
          clientId: value('AEP_CLIENT_ID')!,
          clientSecret: value('AEP_CLIENT_SECRET')!,
          ...(value('AEP_SCOPES') ? { scopes: value('AEP_SCOPES') } : {}),
          ...(value('AEP_IMS_URL') ? { imsUrl: value('AEP_IMS_URL') } : {}),
        },
        ...(value('AEP_API_KEY') ? { apiKey: value('AEP_API_KEY') } : {}),
      }
    : { accessToken: value('AEP_ACCESS_TOKEN')!, apiKey: value('AEP_API_KEY')! };
  return new ExportJobsClient({
    ...auth,
    orgId: value('AEP_ORG_ID')!,
    sandboxName: value('AEP_SANDBOX_NAME')!,
    ...(value('AEP_BASE_URL') ? { baseUrl: value('AEP_BASE_URL') } : {}),
    ...overrides,
  });
}

/** A required variable of an example's own (a dataset id, a job id...); throws naming it when missing. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Missing environment variable: ${name}`);
  return value;
}
