import { defineConfig } from 'tsup';

// ESM only: Node >= 22.12 can require() ESM, so CommonJS consumers load the same module
// instance and `instanceof` on the error classes holds everywhere (no dual-package hazard).
export default defineConfig({
  // testing/msw is an entry of its own because it imports msw, an optional peer dependency: users
  // without msw can still import aep-export-jobs/testing.
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'testing/msw': 'src/testing/msw.ts',
    // The command-line tool, the package's bin; it keeps its shebang line.
    'cli/index': 'src/cli/index.ts',
  },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
});
