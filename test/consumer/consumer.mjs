// An ESM consumer of the packed package: it imports the public API by the package's name and
// prints what it saw (observe.cjs) as JSON for test/package.test.ts to assert on.
import { createRequire } from 'node:module';
import * as sdk from 'aep-export-jobs';

const require = createRequire(import.meta.url);
const { observe } = require('./observe.cjs');
const { version: packageVersion } = require('aep-export-jobs/package.json');

console.log(JSON.stringify(observe(sdk, packageVersion)));
