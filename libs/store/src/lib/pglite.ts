import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';

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

/** Opens PGlite: in memory, or on a data folder on disk (`dataDir`). */
export async function createPGlite(options: PGliteOptions = {}): Promise<PGlite> {
  return PGlite.create({ ...(await pgliteAssets()), ...options });
}
