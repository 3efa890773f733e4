// `npm test`: every check the repository promises, in one command, ending with one line of totals.
//   1. typecheck and lint every project (Nx, cached), and ARCHITECTURE.md's dependency picture against nx graph,
//   2. build the apps (the e2e suites run them as processes),
//   3. one Jest run over every project (unit *.spec.ts, integration *.int.spec.ts, e2e) with a JSON report.
// Integration suites run on the embedded store (PGlite) always, and on PostgreSQL too when
// TEST_DATABASE_URL is set (CI sets it). Exit code 1 when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = {
  ...process.env,
  // PGlite loads Node builtins with import(): Jest's CommonJS runtime allows that only with VM modules.
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--disable-warning=ExperimentalWarning'].filter(Boolean).join(' '),
  NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const extraJestArgs = process.argv.slice(2);

function run(label, command, args) {
  process.stdout.write(`\n=== ${label}: ${[path.basename(command), ...args].join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  const ok = result.status === 0;
  process.stdout.write(`=== ${label}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return ok;
}

const checks = [];
checks.push(['typecheck', run('typecheck', bin('nx'), ['run-many', '-t', 'typecheck', '--parallel=2', '--outputStyle=static'])]);
checks.push(['lint', run('lint', bin('nx'), ['run-many', '-t', 'lint', '--parallel=2', '--outputStyle=static'])]);
checks.push(['architecture', run('architecture', process.execPath, [path.join(root, 'tools/scripts/architecture-graph.mjs'), '--check'])]);
checks.push(['build', run('build', bin('nx'), ['run-many', '-t', 'build', '--outputStyle=static'])]);

const reportDir = path.join(root, 'reports');
const report = path.join(reportDir, 'jest-results.json');
mkdirSync(reportDir, { recursive: true });
rmSync(report, { force: true });
const jestOk = run('tests', bin('jest'), ['--json', `--outputFile=${report}`, '--maxWorkers=2', ...extraJestArgs]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests;
  skipped = results.numPendingTests + results.numTodoTests;
  // A suite that could not run (compile error, crash in a hook) has no failed test but must count.
  for (const suite of results.testResults) {
    const hasFailedTest = suite.assertionResults.some((a) => a.status === 'failed');
    if (suite.status === 'failed' && !hasFailedTest) {
      failed += 1;
      process.stdout.write(`suite failed to run: ${path.relative(root, suite.name)}\n`);
    }
  }
} else {
  failed += 1;
  process.stdout.write('Jest wrote no report: counting the test run as one failure\n');
}

const failedChecks = checks.filter(([, ok]) => !ok).map(([name]) => name);
if (!jestOk && failed === 0) failed += 1;
failed += failedChecks.length;
process.stdout.write(
  `\nchecks: ${checks.map(([name, ok]) => `${name} ${ok ? 'ok' : 'FAILED'}`).join(', ')}` +
    (failedChecks.length ? ` (each failed check counts as one failure below)` : '') +
    `\n${passed} passed, ${failed} failed, ${skipped} skipped\n`,
);
process.exit(failed === 0 ? 0 : 1);
