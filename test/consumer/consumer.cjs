// A CommonJS consumer of the packed package: `require()` of the ESM-only package (Node >= 22.12),
// the same observations as consumer.mjs, and whether `require` and `import()` give the very same
// classes (no dual-package hazard). Prints what it saw as JSON for test/package.test.ts.
'use strict';
const sdk = require('aep-export-jobs');
const { observe, notFoundInit } = require('./observe.cjs');
const { version: packageVersion } = require('aep-export-jobs/package.json');

async function main() {
  const imported = await import('aep-export-jobs');
  const names = ['ApiError', 'NotFoundError', 'ConfigurationError', 'ExportJobsClient', 'ExportJobSchema'];
  console.log(
    JSON.stringify({
      ...observe(sdk, packageVersion),
      sameModule: Object.fromEntries(names.map((name) => [name, imported[name] === sdk[name]])),
      importedNotFoundIsRequiredApiError: new imported.NotFoundError(notFoundInit) instanceof sdk.ApiError,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
