import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Webpack rewrites `require.resolve` of external modules into module ids; its
// `__non_webpack_require__` is Node's own require. Elsewhere the identifier is undeclared.
declare const __non_webpack_require__: NodeJS.Require | undefined;
const nodeRequire = (): NodeJS.Require =>
  typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;

interface PGliteAssets {
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

let assets: Promise<PGliteAssets> | undefined;

/**
 * PGlite's WebAssembly and file bundle, read and compiled once per process and handed to every
 * PGlite opened after: the compile (about a second) is paid once, not per database.
 */
function pgliteAssets(): Promise<PGliteAssets> {
  assets ??= (async () => {
    const resolve = (file: string) => nodeRequire().resolve(`@electric-sql/pglite/${file}`);
    const [pglite, initdb, bundle] = await Promise.all([
      readFile(resolve('pglite.wasm')),
      readFile(resolve('initdb.wasm')),
      readFile(resolve('pglite.data')),
    ]);
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([WebAssembly.compile(pglite), WebAssembly.compile(initdb)]);
    return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([bundle]) };
  })();
  assets.catch(() => (assets = undefined));
  return assets;
}

/**
 * PostgreSQL settings for the embedded store, added after PGlite's own start parameters (a later
 * `-c` wins). PGlite runs PostgreSQL single-user inside this process, so every buffer it sizes
 * for a server is resident memory of the hub (see docs/notes/issue-15-memory-start.md):
 * - shared_buffers 16MB (initdb's default is 128MB): PostgreSQL touches its whole buffer pool at
 *   start, so this alone is ~125 MB of RSS and ~0.5 s of CPU at every start. Trade: a working set
 *   above 16 MB is read again through the file system (the OS page cache, a copy per 8 kB page)
 *   instead of from the pool; the hub's tables are small and its hot reads are cached above the store.
 * - max_connections 5 (100): sizes the lock table and per-backend arrays; single-user PGlite
 *   serves exactly one connection. Trade: none for the embedded store.
 * wal_buffers follows shared_buffers (1/32: 512 kB). fsync is already off in PGlite (-F: a crash
 * of the machine, not of the process, can lose the last commits; the embedded store is for one
 * host and small deployments). relaxedDurability stays off: it answers before the data folder is
 * written, so a process crash right after a 200 could lose that write.
 */
export const EMBEDDED_START_PARAMS: readonly string[] = ['-c', 'shared_buffers=16MB', '-c', 'max_connections=5'];

/**
 * Opens PGlite: in memory, or on a data folder on disk (`dataDir`), with the small-footprint settings
 * above. A data folder that does not exist yet is created by initdb (openDatabase then opens PGlite
 * again, once initdb and the migrations are done: see there).
 */
export async function createPGlite(options: PGliteOptions = {}): Promise<PGlite> {
  // Loaded here, not at the top: a hub on PostgreSQL never needs PGlite's code.
  const { PGlite } = await import('@electric-sql/pglite');
  const startParams = options.startParams ?? [...PGlite.defaultStartParams, ...EMBEDDED_START_PARAMS];
  return PGlite.create({ ...(await pgliteAssets()), ...options, startParams });
}

/** A data folder on disk that initdb has not made yet (no PG_VERSION in it). */
export function isFreshDataDir(dataDir: string | undefined): boolean {
  if (!dataDir || dataDir.includes('://')) return false; // in memory (memory://) or another file system: nothing to reopen
  return !existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * One full garbage collection, now. After a PGlite was closed, its WebAssembly memory and buffers
 * (hundreds of MB after initdb or migrations) are garbage, but V8 frees them only at its next full
 * collection, which an idle hub may not run for a long time: the memory stayed resident (an embedded
 * first start idled at 674 MB RSS with 684 MB of "external" memory; after a collection, 141 MB of it
 * is live). Called once at start, after such a close; it costs a few tens of milliseconds. Uses the
 * process's `gc` when node runs with --expose-gc, otherwise exposes it for one new context only.
 */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
}
