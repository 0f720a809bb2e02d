import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // schemas/validators.cjs is generated (npm run validators).
  { ignores: ['node_modules/', 'reports/', 'coverage/', 'schemas/validators.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Every request goes through src/http/client.ts so that it is recorded and redacted.
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Use the ScimClient in src/http/client.ts: it records and redacts every exchange.' },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
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
