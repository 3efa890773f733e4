import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModuleKind, transpileModule } from 'typescript';

// The module sets V8 flags for the whole process, so each case runs in a child node, the module
// (transpiled to plain JavaScript, so nothing loads before it) first, as in the apps' main.ts: it
// keeps many objects alive, as loading a bundle does, and reports the young generation's size (MB)
// before and after startCompleted().
let dir: string;
let modulePath: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'v8-footprint-'));
  modulePath = path.join(dir, 'v8-footprint.js');
  const source = readFileSync(path.join(__dirname, 'v8-footprint.ts'), 'utf8');
  writeFileSync(modulePath, transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS } }).outputText);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = () => `
  const { startCompleted } = require(${JSON.stringify(modulePath)});
  const { getHeapSpaceStatistics } = require('node:v8');
  const young = () => Math.round(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);
  const kept = [];
  const survive = () => { for (let i = 0; i < 300_000; i++) kept.push({ i, s: 'x' + i }); };
  survive();
  const atStart = young();
  startCompleted();
  survive();
  process.stdout.write(JSON.stringify({ atStart, afterStart: young() }));
`;

function youngGeneration(env: Record<string, string> = {}, nodeOptions: string[] = []): { atStart: number; afterStart: number } {
  const output = execFileSync(process.execPath, [...nodeOptions, '-e', script()], {
    env: { ...process.env, HUB_V8_DEFAULTS: '', ...env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  return JSON.parse(output) as { atStart: number; afterStart: number };
}

describe('v8-footprint', () => {
  it('holds the young generation at its smallest while the process starts, and lets it grow after', () => {
    const { atStart, afterStart } = youngGeneration();
    expect(atStart).toBeLessThanOrEqual(2);
    expect(afterStart).toBeGreaterThan(atStart);
  });

  it("leaves V8's defaults with HUB_V8_DEFAULTS=true", () => {
    expect(youngGeneration({ HUB_V8_DEFAULTS: 'true' }).atStart).toBeGreaterThan(2);
  });

  it('does not override a young-generation flag given to node', () => {
    expect(youngGeneration({}, ['--semi-space-growth-factor=2']).atStart).toBeGreaterThan(2);
  });

  describe("the old generation's growth", () => {
    // Which flags the module sets (node:v8's setFlagsFromString recorded, then passed on).
    const flagsSet = (env: Record<string, string> = {}, nodeOptions: string[] = []): { atStart: string[]; afterStart: string[] } =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            ...nodeOptions,
            '-e',
            `const v8 = require('node:v8'); const set = v8.setFlagsFromString; const calls = [];
             v8.setFlagsFromString = (f) => { calls.push(f); set(f); };
             const { startCompleted } = require(${JSON.stringify(modulePath)});
             const atStart = calls.length; startCompleted();
             process.stdout.write(JSON.stringify({ atStart: calls.slice(0, atStart), afterStart: calls.slice(atStart) }));`,
          ],
          { env: { ...process.env, HUB_V8_DEFAULTS: '', ...env, NODE_OPTIONS: '' }, encoding: 'utf8' },
        ),
      ) as { atStart: string[]; afterStart: string[] };
    const growth = (flags: string[]) => flags.filter((f) => f.startsWith('--heap-growing-percent'));

    it("is V8's own while the process starts, then held to 30 % over what the last full collection kept", () => {
      const { atStart, afterStart } = flagsSet();
      expect(growth(atStart)).toEqual([]);
      expect(growth(afterStart)).toEqual(['--heap-growing-percent=30']);
    });

    it("is V8's own with HUB_V8_DEFAULTS=true, or when node is given the flag", () => {
      expect(flagsSet({ HUB_V8_DEFAULTS: 'true' })).toEqual({ atStart: [], afterStart: [] });
      expect(growth(flagsSet({}, ['--heap-growing-percent=50']).afterStart)).toEqual([]);
    });
  });
});
