/**
 * npx tsx tools/bench/cpu-profile-summary.ts <file.cpuprofile> [--top 25]
 *
 * Where a process spent its CPU: self time of a V8 CPU profile (node --cpu-prof) summed by
 * function and by where the code comes from (a node_modules package, node: internals, the hub's
 * own libs, garbage collection, idle), each as a share of the time it was not idle. Used for the
 * "profile before and after" in ARCHITECTURE.md's performance section.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const top = Number(values.top);

function originOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)' || name === '(program)') return name;
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node: ' + url.slice(5).split('/')[0];
  const lib = /(libs|apps)\/([^/]+)/.exec(url);
  if (lib) return `${lib[1]}/${lib[2]}`;
  if (/dist\/apps\//.test(url)) return 'hub (bundled)';
  return url.split('/').slice(-1)[0];
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByNode = new Map<number, number>();
  profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfByNode) {
    const { functionName, url, lineNumber } = byId.get(id)?.callFrame ?? { functionName: '?', url: '', lineNumber: 0 };
    const origin = originOf(url, functionName);
    if (origin === '(idle)') continue;
    busy += micros;
    const fn = `${functionName || '(anonymous)'} ${url ? url.split('/').slice(-2).join('/') + ':' + (lineNumber + 1) : ''}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
  }
  const share = (m: number) => `${((100 * m) / busy).toFixed(1).padStart(5)} %`;
  console.log(`\n${file}: ${(busy / 1e6).toFixed(1)} s of CPU (not idle)`);
  console.log('\nby origin');
  for (const [k, v] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(v)}  ${k}`);
  console.log('\nby function (self time)');
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(v)}  ${k}`);
}
