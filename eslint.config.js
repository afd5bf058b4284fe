// ESLint flat config: typescript-eslint's type-aware rules over every TypeScript and JavaScript file
// of the repository. Formatting is Prettier's job (.prettierrc.json); the configs used here contain
// no formatting rules, so nothing has to be turned off for the two to agree.
//
// Types come from the TypeScript project service: a file that tsconfig.json includes (src, test,
// examples, scripts, the root *.ts) is linted with that project; the files it leaves out are listed
// in `allowDefaultProject` and get the compiler options of tsconfig.eslint.json (bench/ imports the
// built package, which that file resolves to src/ when there is no build).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const unsafeAssignment = tseslint.plugin.rules['no-unsafe-assignment'];

/** Whether `node` is a vitest asymmetric matcher, `expect.any(String)` or `expect.not.stringContaining('x')`. */
function isAsymmetricMatcher(node) {
  if (node?.type !== 'CallExpression' || node.callee.type !== 'MemberExpression') return false;
  let object = node.callee.object;
  if (object.type === 'MemberExpression' && object.property.type === 'Identifier' && object.property.name === 'not') {
    object = object.object;
  }
  return object.type === 'Identifier' && object.name === 'expect';
}

// @typescript-eslint/no-unsafe-assignment, minus its reports on vitest's asymmetric matchers: vitest types
// `expect.any()`, `expect.stringContaining()`, `expect.objectContaining()`... as returning `any`, so each
// `toMatchObject({ id: expect.any(String) })` is reported as an unsafe assignment although nothing
// unsafe happens (the matcher is only ever handed back to vitest). Every other report is kept.
const testUnsafeAssignment = {
  meta: unsafeAssignment.meta,
  defaultOptions: unsafeAssignment.defaultOptions,
  create(context) {
    const filtered = Object.create(context, {
      report: {
        value(descriptor) {
          const { node } = descriptor;
          const value = node?.type === 'Property' ? node.value : node?.type === 'VariableDeclarator' ? node.init : node;
          if (!isAsymmetricMatcher(value)) context.report(descriptor);
        },
      },
    });
    return unsafeAssignment.create(filtered);
  },
};

// Node's globals, for the JavaScript files (in TypeScript files `no-undef` is off: the compiler
// already reports an undefined name). Kept by hand: the `globals` package is not a dependency.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'process',
    'queueMicrotask',
    'Response',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
    'TextDecoder',
    'TextEncoder',
    'URL',
    'URLSearchParams',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  globalIgnores([
    'dist/',
    'coverage/',
    'docs/api/', // typedoc's output (typedoc.json's `out`)
    'node_modules/',
    'test/fixtures/', // Adobe's examples, byte-for-byte
  ]),

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,

  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // Files outside tsconfig.json's `include`; globs here may not use `**`.
          allowDefaultProject: [
            'bench/*.ts',
            'bench/*.mts',
            'bench/*.mjs',
            'scripts/*.mjs',
            'examples/*.mjs',
            'eslint.config.js',
          ],
          defaultProject: 'tsconfig.eslint.json',
          // The default is 8; the globs above match about 17 files. Each one is a file of the
          // inferred project, which is slower than a tsconfig project, but there are few of them.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 40,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // What the project asked for, stated explicitly (the recommended type-checked config already
      // has them as errors; stating them keeps them errors if the preset changes).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `interface Job extends z.output<typeof JobObject> {}` is how src/models names the zod-inferred
      // types (a named interface in the declarations and the API reference rather than an expanded
      // object type): an empty interface extending exactly one type is allowed, nothing else.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // `_`-prefixed names are deliberately unused (a parameter kept for its position).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // JavaScript files: Node globals; CommonJS for .cjs. They keep the type-aware rules (a floating
  // promise is caught in a script too) except the no-unsafe-* family: with no type annotations (and
  // checkJs off) every parameter, JSON.parse() result and untyped import is `any` in JavaScript, so
  // these rules would report nearly every line that touches data, and the only fix is JSDoc types.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: nodeGlobals },
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...nodeGlobals, require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly' },
    },
    // A .cjs file is CommonJS on purpose (test/consumer/ proves the package loads with require()).
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // Tests: the only relaxation is the one described at testUnsafeAssignment above.
  {
    files: ['test/**/*.ts'],
    plugins: { 'aep-local': { rules: { 'no-unsafe-assignment': testUnsafeAssignment } } },
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      'aep-local/no-unsafe-assignment': 'error',
    },
  },

  // test/consumer/ is the packed package's consumer: it imports 'aep-export-jobs', which only resolves
  // in the temporary install that test/package.test.ts makes, so there are no types to lint it with.
  // It gets the rules that need no type information.
  {
    files: ['test/consumer/**'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { 'aep-local/no-unsafe-assignment': 'off' },
  },
);
