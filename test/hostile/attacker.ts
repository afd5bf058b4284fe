/** What the hostile suites share: a client of the attacker's loopback server. */
import { ExportJobsClient, type ExportJobsClientOptions } from '../../src/index.js';

/** The token every hostile suite sends, long enough to be masked wherever a server echoes it. */
export const ATTACKED_TOKEN = 'token-0123456789';

/** A client whose export jobs API is the attacker's server at `baseUrl` (an origin). */
export function attackedClient(baseUrl: string, extra: Partial<ExportJobsClientOptions> = {}): ExportJobsClient {
  return new ExportJobsClient({
    accessToken: ATTACKED_TOKEN,
    apiKey: 'k',
    orgId: 'o@AdobeOrg',
    sandboxName: 'dev',
    baseUrl: `${baseUrl}/data/core/ups`,
    ...extra,
  });
}

/** The smallest export job the SDK accepts, for attacks that answer a get with a good job. */
export const MINIMAL_JOB = {
  id: 1,
  status: 'NEW',
  destination: { datasetId: 'ds' },
  schema: { name: 'x' },
  creationTime: 1,
  updateTime: 1,
};
