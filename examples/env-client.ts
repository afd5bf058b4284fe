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
 *
 * and checks an example's command line (`checkUsage`) before the example does anything.
 */
import { ExportJobsClient, type ExportJobsClientOptions } from '../src/index.js';

/** The variables `clientFromEnv` needs that are missing or empty. */
export function missingClientEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const set = (name: string) => Boolean(env[name]?.trim());
  const oauth = set('AEP_CLIENT_ID') && set('AEP_CLIENT_SECRET');
  const required = oauth
    ? ['AEP_ORG_ID', 'AEP_SANDBOX_NAME']
    : ['AEP_ACCESS_TOKEN', 'AEP_API_KEY', 'AEP_ORG_ID', 'AEP_SANDBOX_NAME'];
  return required.filter((name) => !set(name));
}

/** A client from the AEP_* variables; throws naming every required variable that is missing or empty. */
export function clientFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ExportJobsClientOptions> = {},
): ExportJobsClient {
  const value = (name: string) => env[name]?.trim() || undefined;
  const missing = missingClientEnv(env);
  if (missing.length > 0) {
    throw new Error(`Missing environment variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  }
  const oauth = value('AEP_CLIENT_ID') !== undefined && value('AEP_CLIENT_SECRET') !== undefined;
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

/** How an example is run, for `checkUsage`. */
export interface Usage {
  /** The command line, such as `npm run example -- examples/list-all.ts [status]`. */
  command: string;
  /** What is wrong with the arguments: one message per problem, `false` (or nothing) when fine. */
  problems?: readonly (string | false | undefined)[];
  /** The example's own variables that must be set, such as `AEP_DATASET_ID`. */
  env?: readonly string[];
}

const CLIENT_VARIABLES =
  'The client reads AEP_ACCESS_TOKEN and AEP_API_KEY (or AEP_CLIENT_ID and AEP_CLIENT_SECRET), AEP_ORG_ID,\n' +
  'AEP_SANDBOX_NAME and, optionally, AEP_BASE_URL: see examples/README.md.';

/**
 * Checks an example's command line before it sends anything. With `--help` or `-h`, prints the
 * usage and exits 0. When an argument is wrong, or a variable (the example's or the client's) is
 * missing, prints what is wrong and the usage on stderr and exits with code 2, a usage error.
 */
export function checkUsage(usage: Usage, argv: readonly string[] = process.argv.slice(2), env = process.env): void {
  const text = `Usage: ${usage.command}\n${CLIENT_VARIABLES}`;
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(text);
    process.exit(0);
  }
  const problems = [
    ...(usage.problems ?? []).filter((problem): problem is string => typeof problem === 'string'),
    ...[...(usage.env ?? []).filter((name) => !env[name]?.trim()), ...missingClientEnv(env)].map(
      (name) => `${name} is not set`,
    ),
  ];
  if (problems.length === 0) return;
  console.error(`${problems.join('\n')}\n\n${text}`);
  process.exit(2);
}
