import nx from '@nx/eslint-plugin';

// Dependency rules between kinds of project (ARCHITECTURE.md, "Dependency rules").
// Who may import whom (ARCHITECTURE.md, "Libraries and who may import them", is generated from nx graph).
// Features never import each other: a capability one needs from another is a contract in the kernel
// (libs/runtime ports.ts) bound by the app.
export const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:feature', 'type:kernel', 'type:registry', 'type:data-access', 'type:adapter-contract', 'type:util'],
  },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:util', 'type:adapter-contract'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:adapter-contract', 'type:adapter', 'type:util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:kernel', 'type:data-access', 'type:adapter-contract', 'type:util'] },
  { sourceTag: 'type:kernel', onlyDependOnLibsWithTags: ['type:data-access', 'type:adapter-contract', 'type:util'] },
  { sourceTag: 'type:registry', onlyDependOnLibsWithTags: ['type:adapter', 'type:adapter-contract'] },
  {
    sourceTag: 'type:adapter',
    onlyDependOnLibsWithTags: ['type:adapter-contract', 'type:adapter-support'],
  },
  { sourceTag: 'type:adapter-support', onlyDependOnLibsWithTags: ['type:adapter-contract'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util', 'type:adapter-contract'] },
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
    // Specs run the code against test doubles (libs/testing); the code itself may not import them.
    files: ['**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(
        depConstraints.map((c) =>
          ['type:adapter', 'type:app', 'type:feature', 'type:kernel'].includes(c.sourceTag)
            ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
            : c,
        ),
      ),
    },
  },
];
