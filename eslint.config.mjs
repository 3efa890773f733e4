import nx from '@nx/eslint-plugin';

// Dependency rules between kinds of project (ARCHITECTURE.md, "Dependency rules").
const depConstraints = [
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
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:adapter-contract'] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:util', 'type:adapter-contract', 'type:data-access'],
  },
];

const boundaries = (constraints) => [
  'error',
  { enforceBuildableLibDependency: true, allow: [], depConstraints: constraints },
];

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
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
    },
  },
  {
    // An adapter's specs run it against its vendor's test double (libs/testing); its code may not.
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(
        depConstraints.map((c) =>
          c.sourceTag === 'type:adapter'
            ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
            : c,
        ),
      ),
    },
  },
];
