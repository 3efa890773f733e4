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

/** The process has started (listening, store open): the young generation may grow with load again. */
export function startCompleted(): void {
  if (holdsYoungGeneration) setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
}
