// Loads Prisma's schema engine compiled to WebAssembly (`@prisma/schema-engine-wasm`) in
// CommonJS code (ts-jest, tsx, the webpack-bundled api with node_modules external).
//
// The package's own entry (`schema_engine.js`) does `import * as wasm from "./x.wasm"`, an
// ES module import of a .wasm file that Node refuses, and its glue (`schema_engine_bg.js`)
// is an ES module that jest's CommonJS runtime cannot `require`. So we do what the entry
// does by hand: read the glue's source from disk, turn its top-level `export function` /
// `export class` declarations into the members of an object, compile the .wasm with
// WebAssembly, give the glue's functions to the instance as its imports, and start it.
// That happens once per process (per module registry under jest): the instance is cached.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

export type {
  ApplyMigrationsOutput,
  DiffParams,
  DiffResult,
  MigrationDirectory,
  MigrationList,
  SchemaEngine,
  SchemaFilter,
} from '@prisma/schema-engine-wasm';

/** The members of the glue module that callers use. */
export interface SchemaEngineWasm {
  SchemaEngine: typeof SchemaEngine;
  /** The version of the engine, e.g. its git commit. */
  version(): string;
}

const PACKAGE = '@prisma/schema-engine-wasm';
const GLUE_ENTRY = `${PACKAGE}/schema_engine_bg`;
/** The module name under which the .wasm file imports the glue's functions. */
const IMPORT_MODULE = './schema_engine_bg.js';

// Webpack rewrites `require.resolve` of external modules into module ids; its
// `__non_webpack_require__` is Node's own require. Elsewhere the identifier is undeclared
// (typeof is then 'undefined') and the module's `require` is the right one.
declare const __non_webpack_require__: NodeJS.Require | undefined;

function nodeRequire(): NodeJS.Require {
  return typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;
}

/** Absolute paths of the glue (.js) and the WebAssembly module (.wasm) of the installed package. */
export function schemaEngineWasmFiles(): { glue: string; wasm: string } {
  let glue: string;
  try {
    glue = nodeRequire().resolve(GLUE_ENTRY);
  } catch (error) {
    throw new Error(`${PACKAGE} is not installed (${errorMessage(error)}); it is needed to apply migrations`);
  }
  if (!path.isAbsolute(glue)) {
    throw new Error(`Could not resolve ${GLUE_ENTRY} to a file (got ${String(glue)})`);
  }
  return { glue, wasm: path.join(path.dirname(glue), 'schema_engine_bg.wasm') };
}

type GlueExports = Record<string, unknown>;

/**
 * Evaluates the glue's ES module source as a function body that returns its exports.
 * The glue has no imports; its exports are plain top-level function and class declarations.
 * Anything else means a package version this loader does not know: fail loudly.
 */
export function evaluateGlue(source: string, filename: string): GlueExports {
  const names: string[] = [];
  const body = source.replace(/^export (function|class) ([A-Za-z_$][\w$]*)/gm, (_match, kind: string, name: string) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  const leftover = /^\s*(export|import)\b.*$/m.exec(body);
  if (leftover) {
    throw new Error(`Unexpected module syntax in ${filename}: "${leftover[0].trim()}"`);
  }
  if (!names.includes('__wbg_set_wasm') || !names.includes('SchemaEngine')) {
    throw new Error(`${filename} does not look like the schema engine's wasm-bindgen glue`);
  }
  const wrapped = `'use strict';\n${body}\nreturn { ${names.join(', ')} };\n//# sourceURL=${filename}`;
  // The glue is trusted code from node_modules, evaluated once; `new Function` keeps it in
  // this realm (jest's sandbox included), so `instanceof Uint8Array` etc. see our objects.
  const factory = new Function(wrapped) as () => GlueExports;
  return factory();
}

async function instantiate(): Promise<SchemaEngineWasm> {
  const files = schemaEngineWasmFiles();
  const [source, bytes] = await Promise.all([
    fs.promises.readFile(files.glue, 'utf8'),
    fs.promises.readFile(files.wasm),
  ]);
  const glue = evaluateGlue(source, files.glue);
  const module = await WebAssembly.compile(bytes);

  const imports: Record<string, WebAssembly.ModuleImports> = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.module !== IMPORT_MODULE) {
      throw new Error(`${files.wasm} imports from an unknown module "${entry.module}"`);
    }
    const value = glue[entry.name];
    if (typeof value !== 'function') {
      throw new Error(`${files.glue} does not provide "${entry.name}", which ${files.wasm} imports`);
    }
    const fn = value as (...args: unknown[]) => unknown;
    (imports[entry.module] ??= {})[entry.name] = entry.name.startsWith('__wbg_setTimeout_') ? unrefTimers(fn) : fn;
  }

  const instance = await WebAssembly.instantiate(module, imports);
  const setWasm = glue['__wbg_set_wasm'] as (exports: WebAssembly.Exports) => void;
  setWasm(instance.exports);
  const start = instance.exports['__wbindgen_start'];
  if (typeof start === 'function') start();

  return {
    SchemaEngine: glue['SchemaEngine'] as typeof SchemaEngine,
    version: glue['version'] as () => string,
  };
}

// The engine arms 10 s timers it never clears (e.g. after each applyMigrations), which kept
// scripts alive 10 s after their work was done. Its timers are therefore unref'd, and while
// an engine session runs, `holdProcess()` keeps the process alive instead.
function unrefTimers(setTimeoutImport: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const timer = setTimeoutImport(...args);
    if (timer && typeof timer === 'object' && typeof (timer as { unref?: unknown }).unref === 'function') {
      (timer as NodeJS.Timeout).unref();
    }
    return timer;
  };
}

let holds = 0;
let keepAlive: NodeJS.Timeout | undefined;

/** Keeps the process alive until the returned function is called (reference counted). */
export function holdProcess(): () => void {
  holds += 1;
  keepAlive ??= setInterval(() => undefined, 1 << 30);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds -= 1;
    if (holds === 0 && keepAlive) {
      clearInterval(keepAlive);
      keepAlive = undefined;
    }
  };
}

let loaded: Promise<SchemaEngineWasm> | undefined;

/** The schema engine's WebAssembly module, compiled and instantiated once per process. */
export function loadSchemaEngineWasm(): Promise<SchemaEngineWasm> {
  loaded ??= instantiate().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

/**
 * Forgets the compiled engine, so its module and its WebAssembly memory (tens of MB after applying
 * migrations) can be collected: for a long-running process that migrated once at start. A later
 * `loadSchemaEngineWasm()` compiles it again.
 */
export function unloadSchemaEngineWasm(): void {
  loaded = undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      return JSON.stringify(error);
    } catch {
      return String(error);
    }
  }
  return String(error);
}
