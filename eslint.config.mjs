// ESLint (typescript-eslint) as VS Code extensions configure it (rust-analyzer's editors/code is
// the model): the recommended rules of both, a few that keep the code uniform, and Prettier for
// layout (`npm run lint` runs both; `npm test` runs them before the tests).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'out/**',
      'node_modules/**',
      'test-artifacts/**',
      '.vscode-test/**',
      '.dist-build-*/**',
      'packages/**',
      'examples/**',
      'test/fixtures/**',
      '**/.lambda-workbench/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'multi-line'],
      // A `let` read by a closure before its one assignment (callbacks created first) is not a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-throw-literal': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `typeof import('x')` stays allowed: the type of a module loaded lazily with require().
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // The webview runs in a browser.
    files: ['src/extension/timeline/webview/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Tests reach into loosely typed JSON answers and fixtures.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Optional test tools (playwright-core, kinesalite) are required lazily, untyped.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Plain JavaScript: runtimes spawned as files, build and bench scripts.
    files: ['**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
