// Lets Node 22 run the examples' TypeScript from source, without a build:
//   npx node --import ./examples/register.mjs examples/list-all.ts
// Node strips the types itself; this hook maps the `.js` specifiers TypeScript uses for relative
// imports (`../src/index.js`) to the `.ts` files that exist.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/^\.\.?\/.*\.js$/.test(specifier)) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
