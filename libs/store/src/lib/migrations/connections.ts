// Connections handed to the schema engine: disposed of once, and, for pglite-prisma-adapter,
// with an `executeScript` that waits for the script and reports its failure.
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';

/** pglite-prisma-adapter's `adapterName`. */
export const PGLITE_ADAPTER_NAME = 'pglite-prisma-adapter';

/**
 * The same connection, with `afterDispose` run once after its first `dispose()` (later calls
 * return the same promise).
 *
 * pglite-prisma-adapter 0.7.2 starts `executeScript`'s `exec()` without awaiting it and
 * resolves at once: the schema engine then records a migration whose SQL failed as applied
 * (the error surfaces as an unhandled rejection). Its connections get an `executeScript`
 * that awaits the script and turns a PGlite error into the adapter's own error, as its
 * other methods do.
 */
export function wrapConnection(adapter: SqlDriverAdapter, afterDispose?: () => Promise<void>): SqlDriverAdapter {
  let disposed: Promise<void> | undefined;
  const wrapped: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    executeScript: awaitedPGliteExecuteScript(adapter) ?? ((script) => adapter.executeScript(script)),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    dispose: () => {
      disposed ??= afterDispose ? adapter.dispose().finally(afterDispose) : adapter.dispose();
      return disposed;
    },
  };
  if (adapter.getConnectionInfo) {
    const getConnectionInfo = adapter.getConnectionInfo.bind(adapter);
    wrapped.getConnectionInfo = () => getConnectionInfo();
  }
  return wrapped;
}

interface PGliteAdapterInternals {
  client?: { exec?: (script: string) => Promise<unknown> };
  onError?: (error: unknown) => never;
}

function awaitedPGliteExecuteScript(adapter: SqlDriverAdapter): ((script: string) => Promise<void>) | undefined {
  if (adapter.adapterName !== PGLITE_ADAPTER_NAME) return undefined;
  const internals = adapter as unknown as PGliteAdapterInternals;
  const client = internals.client;
  if (!client || typeof client.exec !== 'function') return undefined;
  const exec = client.exec.bind(client);
  const onError = typeof internals.onError === 'function' ? internals.onError.bind(adapter) : undefined;
  return async (script) => {
    try {
      await exec(script);
    } catch (error) {
      if (onError) onError(error); // throws the adapter's DriverAdapterError (or the error itself)
      throw error;
    }
  };
}
