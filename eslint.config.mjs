import nx from '@nx/eslint-plugin';

// Dependency rules between kinds of project (ARCHITECTURE.md, "The rules that keep it easy to change").
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/generated/**', '**/files/**', 'tmp/**', '.data/**'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:util', 'type:adapter-contract'] },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:adapter-contract', 'type:util'],
            },
            { sourceTag: 'type:registry', onlyDependOnLibsWithTags: ['type:adapter', 'type:adapter-contract'] },
            {
              sourceTag: 'type:adapter',
              onlyDependOnLibsWithTags: ['type:adapter-contract', 'type:adapter-support'],
            },
            { sourceTag: 'type:adapter-support', onlyDependOnLibsWithTags: ['type:adapter-contract'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:adapter-contract', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:adapter-contract'] },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:util', 'type:adapter-contract', 'type:data-access'],
            },
          ],
        },
      ],
    },
  },
];
