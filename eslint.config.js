// Layering is enforced here, not by good intentions (see docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'net', 'crypto', 'url', 'util', 'events', 'stream'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['common/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./[\\w-]+$)', message: 'common/ is the contract: it imports nothing outside common/.' }] }],
    },
  },
  {
    files: ['main/core/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'main/core never imports electron: put it behind a port.' }],
        patterns: [
          { group: ['react', 'react-dom', 'react/*'], message: 'main/core has no UI.' },
          { group: ['**/main/electron/**', '../electron/*', '../../electron/*', '**/electron/*'], message: 'main/core may not import a shell.' },
          { group: ['**/main/server/**', '../server/*', '../../server/*'], message: 'main/core may not import a shell.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks only to the typed api.' }, ...nodeBuiltins.filter((n) => !n.includes('*')).map((name) => ({ name, message: 'No Node in the renderer.' }))],
        patterns: [
          { group: ['node:*'], message: 'No Node in the renderer.' },
          { group: ['**/main/**', '../main/*', '../../main/*'], message: 'The renderer may not import main/.' },
        ],
      }],
    },
  },
  {
    files: ['preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/**'], message: 'The preload sees only common/ and electron.' }] }],
    },
  },
);
