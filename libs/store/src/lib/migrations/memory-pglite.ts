// Throwaway in-memory PGlite databases: shadow databases for diffs, test databases.
//
// A new PGlite runs initdb (about 2.5 s). Loading a dump of a freshly initialised data
// directory skips it (about 0.7 s), so the first database of a process is dumped, before
// anything touches it, and later ones start from that dump.
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { wrapConnection } from './connections';

let template: Promise<Blob> | undefined;

/** A new, empty, in-memory PGlite. The caller closes it. */
export async function createMemoryPGlite(): Promise<PGlite> {
  if (template) {
    const dump = await template.catch(() => undefined);
    if (dump) return PGlite.create({ loadDataDir: dump }).catch(explainJest);
  }
  const pglite = await PGlite.create().catch(explainJest);
  template ??= pglite.dumpDataDir('none');
  await template.catch(() => {
    template = undefined;
  });
  return pglite;
}

/** PGlite loads Node builtins with `import()`, which Jest's CommonJS runtime allows only with VM modules. */
function explainJest(error: unknown): never {
  if ((error as { code?: unknown } | null)?.code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG') {
    throw new Error(
      'PGlite cannot start under Jest without VM modules: run Jest with NODE_OPTIONS=--experimental-vm-modules (`npm run jest -- …` does)',
      { cause: error },
    );
  }
  throw error;
}

/**
 * An adapter factory on throwaway in-memory PGlite databases: one for the main connection,
 * a new one for each shadow database. Everything it opened is closed by `close()`, and a
 * shadow database is closed as soon as the engine disposes of its connection.
 * (pglite-prisma-adapter's own `connectToShadowDb` opens a PGlite that nothing closes.)
 */
export function memoryAdapterFactory(): SqlMigrationAwareDriverAdapterFactory & { close(): Promise<void> } {
  const opened = new Set<PGlite>();
  let main: Promise<PGlite> | undefined;

  async function open(): Promise<PGlite> {
    const pglite = await createMemoryPGlite();
    opened.add(pglite);
    return pglite;
  }

  async function closeOne(pglite: PGlite): Promise<void> {
    opened.delete(pglite);
    if (!pglite.closed) await pglite.close();
  }

  return {
    provider: 'postgres',
    adapterName: 'hub-memory-pglite',
    async connect(): Promise<SqlDriverAdapter> {
      main ??= open();
      return new PrismaPGlite(await main).connect();
    },
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const pglite = await open();
      const adapter = await new PrismaPGlite(pglite).connect();
      return wrapConnection(adapter, () => closeOne(pglite));
    },
    async close(): Promise<void> {
      main = undefined;
      await Promise.all([...opened].map((pglite) => closeOne(pglite)));
    },
  };
}
