// Runs before the tests on whatever `node` npm put first on the PATH. The test tools (vitest 5,
// msw 3) need Node >= 22.12; on an older Node they fail with obscure errors, so stop early and say why.
// Written in plain syntax that every Node still in use can parse.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `aep-export-jobs: the tests need Node >= 22.12, but this is Node ${process.versions.node} (${process.execPath}).\n` +
      'Run them through npm (`npm test`), which puts the Node that `npm install` brought ' +
      '(node_modules/.bin/node) first on the PATH, or install Node 22+.',
  );
  process.exit(1);
}
