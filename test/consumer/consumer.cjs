// A CommonJS consumer of the packed package: `require()` of the ESM-only package (Node >= 22.12),
// the same checks as consumer.mjs, and whether `require` and `import()` give the very same classes
// (no dual-package hazard). Prints what it saw as JSON for test/package.test.ts to assert on.
'use strict';
const assert = require('node:assert/strict');
const sdk = require('aep-export-jobs');
const { ApiError, ConfigurationError, ExportJobSchema, ExportJobsClient, NotFoundError, VERSION } = sdk;
const { version: packageVersion } = require('aep-export-jobs/package.json');

async function main() {
  let configurationError;
  try {
    new ExportJobsClient({ accessToken: 'token', apiKey: 'key', orgId: 'ORG@AdobeOrg' });
    assert.fail('the client was built without a sandboxName');
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${error}`);
    configurationError = { name: error.name, option: error.option, message: error.message };
  }

  const init = {
    status: 404,
    message: 'no such job',
    code: undefined,
    requestId: 'request-1',
    requestIds: ['request-1'],
    body: undefined,
    headers: {},
    retryAfter: undefined,
  };
  const notFound = new NotFoundError(init);

  const job = ExportJobSchema.parse({
    id: '42',
    status: 'NEW',
    destination: { dataSetId: 'dataset-1', segmentPerBatch: true, batches: { segmentId: 'segment-1', batchId: 'batch-1', status: 'exited' } },
    creationTime: 1_700_000_000_000,
  });

  const imported = await import('aep-export-jobs');

  console.log(
    JSON.stringify({
      configurationError,
      notFoundIsApiError: notFound instanceof ApiError,
      notFoundStatus: notFound.status,
      job,
      version: VERSION,
      packageVersion,
      sameModule: {
        ApiError: imported.ApiError === ApiError,
        NotFoundError: imported.NotFoundError === NotFoundError,
        ConfigurationError: imported.ConfigurationError === ConfigurationError,
        ExportJobsClient: imported.ExportJobsClient === ExportJobsClient,
        ExportJobSchema: imported.ExportJobSchema === ExportJobSchema,
      },
      importedNotFoundIsRequiredApiError: new imported.NotFoundError(init) instanceof ApiError,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
