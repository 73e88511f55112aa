// Lint rules that guard the two things that break a Temporal hub silently:
// a promise nobody awaits, and workflow code that reaches outside the deterministic sandbox.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * Workflow files `depth` folders below workflows/: `./x.js`, `./sub/x.js` and up to `depth` `../`
 * segments followed by plain names are workflow files; anything else that is not the workflow SDK
 * is a value import we refuse.
 */
function workflowImportRules(depth) {
  const up = depth === 0 ? '\\./' : `(?:\\./|(?:\\.\\./){1,${depth}})`;
  const folder = ['workflows', ...Array(depth).fill('*')].join('/');
  return {
    files: [`${folder}/*.ts`],
    ignores: ['workflows/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Node builtins are not deterministic: keep them in activities.' })),
          patterns: [
            {
              // Pure-data modules (no imports, only `as const` tables) shared with src/.
              regex: `^(?!@temporalio/workflow$)(?!${up}(?:[\\w-]+/)*[\\w-][\\w.-]*$)(?!(?:\\.\\./){${depth + 1}}src/(?:canonical/status|sdk/capabilities|sdk/failure-types|sdk/error-codes)\\.js$)`,
              allowTypeImports: true,
              message: 'Workflows import only @temporalio/workflow and other workflow files; use `import type` for activities.',
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'tests/lint-fixtures/**', 'src/console/generated/**', '**/*.js', '**/*.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
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
  // Workflow code is replayed; it may import only the workflow SDK and other files under workflows/.
  // Types from activities are fine (`import type`), values are not. One block per folder depth, so
  // a relative path is allowed exactly when it stays inside workflows/.
  ...[0, 1, 2].map((depth) => workflowImportRules(depth)),
);
