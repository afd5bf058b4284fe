// What both consumers check, given the package as each module system loaded it: consumer.mjs by
// `import`, consumer.cjs by `require()`. It never loads the package itself, so each consumer
// proves its own way of loading. Returns the observations for test/package.test.ts.
'use strict';
const assert = require('node:assert/strict');

/** A NotFoundError's constructor argument, as the error factory would build it. */
const notFoundInit = {
  status: 404,
  message: 'no such job',
  code: undefined,
  requestId: 'request-1',
  requestIds: ['request-1'],
  body: undefined,
  headers: {},
  retryAfter: undefined,
};

function observe(sdk, packageVersion) {
  const { ApiError, ConfigurationError, ExportJobSchema, ExportJobsClient, NotFoundError, VERSION } = sdk;
  let configurationError;
  try {
    new ExportJobsClient({ accessToken: 'token', apiKey: 'key', orgId: 'ORG@AdobeOrg' });
    assert.fail('the client was built without a sandboxName');
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `expected a ConfigurationError, got ${error}`);
    configurationError = { name: error.name, option: error.option, message: error.message };
  }
  const notFound = new NotFoundError(notFoundInit);
  const job = ExportJobSchema.parse({
    id: '42',
    status: 'NEW',
    destination: {
      dataSetId: 'dataset-1',
      segmentPerBatch: true,
      batches: { segmentId: 'segment-1', batchId: 'batch-1', status: 'exited' },
    },
    creationTime: 1_700_000_000_000,
  });
  return {
    configurationError,
    notFoundIsApiError: notFound instanceof ApiError,
    notFoundStatus: notFound.status,
    job,
    version: VERSION,
    packageVersion,
  };
}

module.exports = { observe, notFoundInit };
