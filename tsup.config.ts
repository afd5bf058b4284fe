import { defineConfig } from 'tsup';

// ESM only: Node >= 22.12 can require() ESM, so CommonJS consumers load the same module
// instance and `instanceof` on the error classes holds everywhere (no dual-package hazard).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
});
