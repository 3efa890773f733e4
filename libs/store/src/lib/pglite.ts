import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
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
 * PGlite's WebAssembly and file bundle, read and compiled once per process. Handing them to
 * PGlite keeps it from loading them through dynamic `import()` (which Jest's CommonJS runtime
 * refuses) and saves the compile on every database after the first.
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
export async function createPGlite(options: Omit<PGliteOptions, 'fs' | 'dataDir'> & { dataDir?: string } = {}): Promise<PGlite> {
  const { dataDir, ...rest } = options;
  return PGlite.create({ ...(await pgliteAssets()), ...rest, ...(dataDir ? { fs: new NodeFS(dataDir) } : {}) });
}
