// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node builtins and modules whose results differ between runs: never inside workflow code (it is replayed). */
const nonDeterministic = [
  ...['assert', 'child_process', 'crypto', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https', 'net', 'os', 'path', 'process', 'timers', 'timers/promises', 'tls', 'url', 'util', 'worker_threads', 'zlib']
    .flatMap((name) => [name, `node:${name}`]),
  'uuid',
  'nanoid',
  'sequelize',
  'ioredis',
  'mqtt',
  'ws',
  'koa',
  'pino',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['dist/**', '.bench-dist/**', 'node_modules/**', 'mini-program/**', 'console/**', 'test-artifacts/**', 'coverage/**', '.data/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // The rules below flag idioms this codebase uses on purpose (JSON at the edges is validated by zod).
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nonDeterministic.map((name) => ({ name, message: 'Workflow code is replayed: do I/O and randomness in activities.' })),
          patterns: [
            { group: ['../activities/*', '../activities'], allowTypeImports: true, message: 'Workflows reach activities only through proxyActivities (import type).' },
            { group: ['../db/*', '../infra/*', '../api/*', '../device-gateway/*', '../payments/*', '../worker/*', '../system/*'], message: 'Workflows depend on domain/ and their own messages only.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
        { name: 'fetch', message: 'I/O belongs in an activity.' },
        { name: 'process', message: 'Workflow code must not read the environment.' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Tests read the API's JSON answers, which are untyped by nature.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
);
