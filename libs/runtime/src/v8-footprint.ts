// @hub/runtime/v8-footprint: imported first by each app's main.ts, for its side effect (like
// reflect-metadata): V8 settings that keep a hub process small, applied before any other module is
// loaded. Measured on an idle api on PostgreSQL (issue 15; ARCHITECTURE.md, "Performance"):
//
// - WebAssembly tier-up only where it pays: Prisma's query compiler (and PGlite, the embedded
//   PostgreSQL) are WebAssembly modules. V8 runs them with its baseline compiler (Liftoff) and
//   recompiles a function with its optimizing compiler (TurboFan) once the function has run
//   through a budget. At V8's default budget, starting (opening the store, the first queries) is
//   enough to send much of Prisma's module through TurboFan, whose compile memory stays in glibc's
//   per-thread arenas afterwards: ~55 MB of an idle api's 240 MB RSS. A budget 100 times larger
//   still optimizes what runs hot under load and leaves the rest on baseline code.
// - A small young generation at start: loading the bundle and its dependencies makes many objects
//   survive their first collections, so V8 grows the young generation to its maximum (2 × 16 MiB
//   semi-spaces) during start and keeps it, mostly empty, while the process idles. Growth is
//   held off until `startCompleted()`; from then on it grows again as load asks (requests'
//   garbage dies young, where a larger young generation is cheaper).
// - Once started, an old generation that grows by 30 % over what the last full collection kept,
//   instead of V8's dynamic factor (up to 4×; measured ~1.7–2× on a poller under load). A poller
//   caches what it needs per instance (~7.5–10 KB: record, compiled settings, plan, vendor client),
//   so its live heap grows with the instances it polls; with V8's factor the slack grew with it
//   (10,000 instances: old space 278 MB for ~140 MB live, RSS peak 447 MB; with 30 %: 147 MB,
//   310 MB). The price is more frequent full collections, which V8 runs mostly concurrently
//   (bench:events' polls/s unchanged).
//
// HUB_V8_DEFAULTS=true leaves V8's defaults. A flag given on the command line or in NODE_OPTIONS
// wins: such a flag is not overridden here.
import { setFlagsFromString } from 'node:v8';

/** V8 11's defaults (node --v8-options). */
const V8_WASM_TIERING_BUDGET = 1_800_000;
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

const given = `${process.execArgv.join(' ')} ${process.env['NODE_OPTIONS'] ?? ''}`;
// The same words validateEnvironment accepts for true (it refuses any other value, after this ran).
const tuned = !/^(true|1|yes)$/i.test(process.env['HUB_V8_DEFAULTS'] ?? '');
const holdsYoungGeneration = tuned && !/--(max|min)-semi-space-size|--semi-space-growth-factor/.test(given);

if (tuned && !/--wasm-tiering-budget|--liftoff-only|--no-wasm-dynamic-tiering/.test(given)) {
  setFlagsFromString(`--wasm-tiering-budget=${V8_WASM_TIERING_BUDGET * 100}`);
}
if (holdsYoungGeneration) setFlagsFromString('--semi-space-growth-factor=1');
const holdsOldGeneration = tuned && !/--heap-growing-percent/.test(given);

/**
 * The process has started (listening, store open): the young generation may grow with load again,
 * and the old generation is held close to its live data from now on (not while starting: loading
 * the bundle allocates much that stays, and more frequent full collections then cost ~0.3 s of CPU
 * in an embedded start, bench:start).
 */
export function startCompleted(): void {
  if (holdsYoungGeneration) setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
  if (holdsOldGeneration) setFlagsFromString('--heap-growing-percent=30');
}
