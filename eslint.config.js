// Lint rules that guard the two things that break a Temporal hub silently:
// a promise nobody awaits, and workflow code that reaches outside the deterministic sandbox.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'tests/lint-fixtures/**', '**/*.js', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Workflow code is replayed; it may import only the workflow SDK and other workflow files.
    // Types from activities are fine (`import type`), values are not.
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Node builtins are not deterministic: keep them in activities.' })),
          patterns: [
            {
              // Anything but the workflow SDK or a sibling file (./x.js) is a value import we refuse.
              regex: '^(?!@temporalio/workflow$)(?!\\./[^/]+$)',
              allowTypeImports: true,
              message: 'Workflows import only @temporalio/workflow and sibling workflow files; use `import type` for activities.',
            },
          ],
        },
      ],
    },
  },
);
