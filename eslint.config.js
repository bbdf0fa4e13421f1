// ESLint (npm test runs it: scripts/test.mjs part "lint"; by hand: npx eslint).
// Modest on purpose: ESLint's recommended rules (mistakes, not style) over
// the JavaScript of web/, scripts/, tests/, bench/ and demo/, with the
// globals of where each runs. Formatting is not checked here.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['dist/**', 'build/**', 'node_modules/**', 'bench/compare/node_modules/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      // The package runs in browsers, workers and Node; tests and scripts drive both.
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
    },
    rules: {
      // Unused arguments document a signature (handlers, interface methods); `_`-prefixed names are deliberate.
      'no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `while (true)` / `for (;;)` loops with a break inside are fine.
      'no-constant-condition': ['error', { checkLoops: false }],
      // `let x = fallback; try { x = ... } catch {}` is a fine idiom.
      'no-useless-assignment': 'off',
    },
  },
  {
    // Functions run inside a page by playwright's page.evaluate: the page's own globals.
    files: ['tests/browser/**/*.js', 'tests/js/**/*.js', 'bench/**/*.mjs', 'bench/**/*.js'],
    languageOptions: { globals: { app: 'readonly', bench: 'readonly' } },
  },
];
