// `npm run docs:graph`: writes ARCHITECTURE.md's dependency picture from `nx graph` (the projects and
// the imports between them, as Nx sees them) and the table of who may import whom from the lint rules
// (eslint.config.mjs's depConstraints), between the markers `<!-- generated: … -->`. Nothing is drawn by hand.
// `--check` (run by `npm test`) fails when ARCHITECTURE.md is not what this would write, or when lint
// lets a feature import a feature (three probe imports are linted in memory; no file is written).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const check = process.argv.includes('--check');
const doc = path.join(root, 'ARCHITECTURE.md');
const START = '<!-- generated: npm run docs:graph (from nx graph and eslint.config.mjs); do not edit by hand -->';
const END = '<!-- end of generated -->';

const dir = mkdtempSync(path.join(tmpdir(), 'nx-graph-'));
const file = path.join(dir, 'graph.json');
const nx = spawnSync(path.join(root, 'node_modules/.bin/nx'), ['graph', `--file=${file}`], {
  cwd: root,
  env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  encoding: 'utf8',
});
if (nx.status !== 0) {
  process.stderr.write(nx.stderr || nx.stdout);
  process.exit(1);
}
const { graph } = JSON.parse(readFileSync(file, 'utf8'));
rmSync(dir, { recursive: true, force: true });
const { depConstraints } = await import(pathToFileURL(path.join(root, 'eslint.config.mjs')).href);

const tagOf = (name) => (graph.nodes[name].data.tags ?? []).find((t) => t.startsWith('type:')) ?? '(untagged)';
// Tests and tools import what they test; the picture is of what the running hub is made of.
const shown = Object.keys(graph.nodes)
  .filter((n) => !['type:e2e', 'type:tool', 'type:tooling', 'type:testing'].includes(tagOf(n)))
  .sort();
const order = ['type:app', 'type:feature', 'type:kernel', 'type:registry', 'type:adapter', 'type:adapter-support', 'type:data-access', 'type:util', 'type:adapter-contract'];
const byTag = new Map();
for (const n of shown) byTag.set(tagOf(n), [...(byTag.get(tagOf(n)) ?? []), n]);
const id = (n) => n.replace(/[^a-zA-Z0-9]/g, '_');

const lines = ['```mermaid', 'flowchart TD'];
for (const tag of [...order, ...[...byTag.keys()].filter((t) => !order.includes(t))]) {
  const members = byTag.get(tag);
  if (!members) continue;
  lines.push(`  subgraph ${id(tag)}["${tag}"]`);
  for (const n of members) lines.push(`    ${id(n)}["${n}"]`);
  lines.push('  end');
}
const edges = [];
for (const source of shown) {
  // Only static imports of production code: a spec's import of a test double is not a dependency of the hub.
  for (const d of graph.dependencies[source] ?? []) {
    if (shown.includes(d.target) && d.type === 'static') edges.push(`  ${id(source)} --> ${id(d.target)}`);
  }
}
lines.push(...[...new Set(edges)].sort(), '```');

const table = ['| tag | projects | may import (lint: @nx/enforce-module-boundaries) |', '| --- | --- | --- |'];
for (const c of depConstraints) {
  const projects = Object.keys(graph.nodes).filter((n) => tagOf(n) === c.sourceTag).sort();
  table.push(`| \`${c.sourceTag}\` | ${projects.join(', ') || '—'} | ${c.onlyDependOnLibsWithTags.map((t) => `\`${t}\``).join(', ') || 'nothing of ours'} |`);
}

const generated = [START, '', ...lines, '', ...table, '', END].join('\n');
const text = readFileSync(doc, 'utf8');
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from < 0 || to < 0) {
  process.stderr.write(`ARCHITECTURE.md has no generated section: add the two markers\n${START}\n${END}\n`);
  process.exit(1);
}
const next = text.slice(0, from) + generated + text.slice(to + END.length);
if (check) {
  // The rules must bite: a feature importing a feature, and the kernel importing a feature, fail lint.
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: root });
  const probes = [
    ['libs/events/src/lib/boundary-probe.ts', "import { HubService } from '@hub/hub';\nexport const probe = HubService;\n"],
    ['libs/hub/src/lib/boundary-probe.ts', "import { EventsService } from '@hub/events';\nexport const probe = EventsService;\n"],
    ['libs/runtime/src/lib/boundary-probe.ts', "import { InstancesService } from '@hub/instances';\nexport const probe = InstancesService;\n"],
  ];
  for (const [filePath, code] of probes) {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
    if (!result.messages.some((m) => m.ruleId === '@nx/enforce-module-boundaries')) {
      process.stderr.write(`lint let ${filePath} import another feature: the module boundary rules do not bite\n`);
      process.exit(1);
    }
  }
  if (next !== text) {
    process.stderr.write('ARCHITECTURE.md\'s dependency picture is not what nx graph and the lint rules say: run `npm run docs:graph`\n');
    process.exit(1);
  }
  process.stdout.write('ARCHITECTURE.md\'s dependency picture matches nx graph and the lint rules\n');
} else {
  writeFileSync(doc, next);
  process.stdout.write(`ARCHITECTURE.md: ${shown.length} projects, ${new Set(edges).size} dependencies, ${depConstraints.length} rules\n`);
}
