// An ESM consumer of the packed package: it imports the public API by the package's name, checks
// a few behaviours and prints what it saw as JSON for test/package.test.ts to assert on.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  ApiError,
  ConfigurationError,
  ExportJobSchema,
  ExportJobsClient,
  NotFoundError,
  VERSION,
} from 'aep-export-jobs';

const { version: packageVersion } = createRequire(import.meta.url)('aep-export-jobs/package.json');

let configurationError;
try {
  new ExportJobsClient({ accessToken: 'token', apiKey: 'key', orgId: 'ORG@AdobeOrg' });
  assert.fail('the client was built without a sandboxName');
} catch (error) {
  assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${error}`);
  configurationError = { name: error.name, option: error.option, message: error.message };
}

const notFound = new NotFoundError({
  status: 404,
  message: 'no such job',
  code: undefined,
  requestId: 'request-1',
  requestIds: ['request-1'],
  body: undefined,
  headers: {},
  retryAfter: undefined,
});

const job = ExportJobSchema.parse({
  id: '42',
  status: 'NEW',
  destination: { dataSetId: 'dataset-1', segmentPerBatch: true, batches: { segmentId: 'segment-1', batchId: 'batch-1', status: 'exited' } },
  creationTime: 1_700_000_000_000,
});

console.log(
  JSON.stringify({
    configurationError,
    notFoundIsApiError: notFound instanceof ApiError,
    notFoundStatus: notFound.status,
    job,
    version: VERSION,
    packageVersion,
  }),
);
