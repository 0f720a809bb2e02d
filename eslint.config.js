import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // schemas/validators.cjs is generated (npm run validators); dist/ is the build (npm run build).
  { ignores: ['node_modules/', 'reports/', 'coverage/', 'dist/', 'schemas/validators.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Every request goes through src/http/client.ts so that it is recorded and redacted.
      'no-restricted-globals': ['error', { name: 'fetch', message: 'Use the ScimClient in src/http/client.ts: it records and redacts every exchange.' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The OAuth token request too: one path to the server, with the client's timeout, body cap and redaction.
    files: ['src/**/*.ts', 'suites/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/http/client.ts', 'src/http/dispatcher.ts', 'src/http/undici.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'undici', message: 'Send through the ScimClient in src/http/client.ts.', allowTypeImports: true }],
          patterns: [{ group: ['**/undici.js'], message: 'Send through the ScimClient in src/http/client.ts.', allowTypeImports: true }],
        },
      ],
    },
  },
  {
    // Small functions: one a reader can hold in mind at once.
    files: ['src/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/reference-server/main.ts', 'src/cli/**', 'src/report/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
);
