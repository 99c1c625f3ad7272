import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// shared/domain/ repeats this pattern: a later block's no-restricted-imports replaces an earlier one's, it does not add to it.
const SHARED_IMPORTS = {
  group: ['**/functions/**', '**/infra/**', '**/local/**', '**/web/**'],
  message: 'shared/ imports none of functions/, infra/, local/, web/.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'web/dist/', '.local/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/local/**'], message: 'Deployed code never imports local/.' }] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [SHARED_IMPORTS] }],
    },
  },
  {
    // The domain is pure: adapters reach it through interfaces it names, so it imports no SDK, adapter or use case.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            SHARED_IMPORTS,
            {
              group: ['@aws-sdk/*', 'googleapis', '@googleapis/*', 'google-auth-library', 'aws-lambda'],
              message:
                'shared/domain/ imports no AWS or Google SDK: put the call in shared/adapters/ behind an interface the domain names.',
            },
            {
              group: ['**/adapters/**', '**/services/**', '**/routes/**', '**/http/**', '**/runtime/**'],
              message: 'shared/domain/ depends on nothing outside the domain (and shared/contract/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['local/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
