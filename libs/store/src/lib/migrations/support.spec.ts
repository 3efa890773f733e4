import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGLITE_ADAPTER_NAME, wrapConnection } from './connections';
import { applyMigrations } from './migrations';
import { redactDatabaseUrl, redactPassword } from './database-url';
import { defaultMigrationsDir, defaultSchemaPath, embeddedDataDir, resolveDataDir, workspaceRoot } from './paths';
import { evaluateGlue, holdProcess, loadSchemaEngineWasm, schemaEngineWasmFiles } from './schema-engine-wasm';

describe('data folders', () => {
  it('defaults to .data and .data/pglite', () => {
    expect(resolveDataDir({})).toBe('.data');
    expect(embeddedDataDir({})).toBe(path.join('.data', 'pglite'));
  });

  it('follows HUB_DATA_DIR', () => {
    expect(resolveDataDir({ HUB_DATA_DIR: '/var/lib/hub' })).toBe('/var/lib/hub');
    expect(embeddedDataDir({ HUB_DATA_DIR: '/var/lib/hub' })).toBe('/var/lib/hub/pglite');
  });

  it('finds the repository', () => {
    expect(fs.existsSync(path.join(workspaceRoot(), 'nx.json'))).toBe(true);
    expect(defaultSchemaPath()).toBe(path.join(workspaceRoot(), 'prisma', 'schema.prisma'));
    expect(defaultMigrationsDir()).toBe(path.join(workspaceRoot(), 'prisma', 'migrations'));
  });
});

describe('database URLs', () => {
  const url = 'postgresql://hub:p%40ss@db.example:5432/hub?schema=public&sslpassword=k3y';

  it('print without their password', () => {
    const printed = redactDatabaseUrl(url);
    expect(printed).toContain('hub:***@db.example:5432/hub');
    expect(printed).not.toMatch(/p%40ss|p@ss|k3y/);
    expect(redactDatabaseUrl('not a url')).toBe('(unparseable URL)');
  });

  it('scrub the password out of messages', () => {
    expect(redactPassword('auth failed for p@ss and p%40ss, key k3y', url)).toBe('auth failed for *** and ***, key ***');
    expect(redactPassword('nothing to hide', undefined)).toBe('nothing to hide');
  });
});

describe('schema engine WebAssembly', () => {
  it('resolves the installed package files', () => {
    const files = schemaEngineWasmFiles();
    expect(fs.existsSync(files.glue)).toBe(true);
    expect(fs.existsSync(files.wasm)).toBe(true);
  });

  it('loads once per process', async () => {
    const first = loadSchemaEngineWasm();
    expect(loadSchemaEngineWasm()).toBe(first);
    const wasm = await first;
    expect(wasm.version()).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof wasm.SchemaEngine.new).toBe('function');
  });

  it('refuses glue with module syntax it does not know', () => {
    expect(() => evaluateGlue('import x from "y";\nexport function __wbg_set_wasm() {}\nexport class SchemaEngine {}\n', 'glue.js')).toThrow(
      /Unexpected module syntax/,
    );
    expect(() => evaluateGlue('export function something() {}\n', 'glue.js')).toThrow(/does not look like/);
    const glue = evaluateGlue('let wasm;\nexport function __wbg_set_wasm(v) { wasm = v; }\nexport class SchemaEngine { static get() { return wasm; } }\n', 'glue.js');
    expect(Object.keys(glue).sort()).toEqual(['SchemaEngine', '__wbg_set_wasm']);
  });

  it('holds the process only while asked to', () => {
    const release = holdProcess();
    release();
    release();
  });
});

describe('connections handed to the engine', () => {
  function fakeAdapter(adapterName: string, exec: (script: string) => Promise<unknown>) {
    const calls = { dispose: 0, executeScript: 0 };
    const adapter = {
      provider: 'postgres' as const,
      adapterName,
      client: { exec },
      onError(error: unknown): never {
        throw new Error(`converted: ${(error as Error).message}`);
      },
      queryRaw: jest.fn(),
      executeRaw: jest.fn(),
      startTransaction: jest.fn(),
      executeScript: async () => {
        calls.executeScript += 1;
      },
      dispose: async () => {
        calls.dispose += 1;
      },
    };
    return { adapter, calls };
  }

  it('are disposed of once, then run their afterDispose once', async () => {
    const { adapter, calls } = fakeAdapter('other', async () => undefined);
    let after = 0;
    const wrapped = wrapConnection(adapter, async () => {
      after += 1;
    });
    await Promise.all([wrapped.dispose(), wrapped.dispose()]);
    await wrapped.dispose();
    expect(calls.dispose).toBe(1);
    expect(after).toBe(1);
  });

  it("await pglite-prisma-adapter's scripts and report their errors", async () => {
    let finished = false;
    const ok = fakeAdapter(PGLITE_ADAPTER_NAME, async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished = true;
    });
    await wrapConnection(ok.adapter).executeScript('SELECT 1');
    expect(finished).toBe(true);
    expect(ok.calls.executeScript).toBe(0);

    const failing = fakeAdapter(PGLITE_ADAPTER_NAME, async () => {
      throw new Error('relation "nowhere" does not exist');
    });
    await expect(wrapConnection(failing.adapter).executeScript('SELECT 1')).rejects.toThrow('converted: relation "nowhere" does not exist');
  });

  it("leave other adapters' scripts alone", async () => {
    const { adapter, calls } = fakeAdapter('@prisma/adapter-pg', async () => {
      throw new Error('not called');
    });
    await wrapConnection(adapter).executeScript('SELECT 1');
    expect(calls.executeScript).toBe(1);
  });
});

describe('errors of the driver adapter', () => {
  it("reach the caller with the adapter's own message, not the engine's error id", async () => {
    const refuse = async (): Promise<never> => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    };
    const adapterFactory = { provider: 'postgres' as const, adapterName: 'refusing', connect: refuse, connectToShadowDb: refuse };
    const failure = applyMigrations({ adapterFactory, migrationsDir: defaultMigrationsDir() });
    await expect(failure).rejects.toThrow('connect ECONNREFUSED 127.0.0.1:1');
    await expect(failure).rejects.not.toThrow(/External error id/);
  });
});
