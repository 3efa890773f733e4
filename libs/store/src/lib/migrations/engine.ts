// One schema engine session: an engine bound to a driver-adapter factory, and everything it
// connected to disposed of afterwards (the engine itself never disposes of its connections,
// and an undisposed PrismaPg pool keeps the process alive).
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { wrapConnection } from './connections';
import { errorMessage, holdProcess, loadSchemaEngineWasm, type SchemaEngine } from './schema-engine-wasm';

/** Receives the engine's log lines and the migration functions' progress, one line at a time. */
export type MigrationLog = (line: string) => void;

export const NO_FILTER = { externalTables: [], externalEnums: [] };

export interface SchemaEngineSession {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Prisma schema files, [path, content]; optional for commands that take their own. */
  datamodels?: [string, string][];
  log?: MigrationLog;
}

/** Runs `use` with a schema engine on the factory's database, then frees it and closes its connections. */
export async function withSchemaEngine<T>(
  { adapterFactory, datamodels, log }: SchemaEngineSession,
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const wasm = await loadSchemaEngineWasm();
  const connections = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const wrapped = wrapConnection(adapter, async () => {
      connections.delete(wrapped);
    });
    connections.add(wrapped);
    return wrapped;
  };
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: async () => track(await adapterFactory.connect()),
    connectToShadowDb: async () => track(await adapterFactory.connectToShadowDb()),
  };

  const bound = bindMigrationAwareSqlAdapterFactory(tracking);
  let engine: SchemaEngine | undefined;
  const release = holdProcess();
  try {
    engine = await wasm.SchemaEngine.new({ datamodels }, (line: string) => forwardEngineLog(line, log), bound).catch(
      (error: unknown) => {
        throw engineError('Could not start the schema engine', error);
      },
    );
    return await use(engine);
  } catch (error) {
    throw withExternalErrors(error, bound.errorRegistry);
  } finally {
    engine?.free();
    const results = await Promise.allSettled([...connections].map((connection) => connection.dispose()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    release();
    if (failure && log) log(`could not close a database connection: ${errorMessage(failure.reason)}`);
  }
}

/** An Error whose message is the engine's own (it rejects with objects, not always Errors). */
export function engineError(context: string, error: unknown): Error {
  const wrapped = new Error(`${context}: ${errorMessage(error)}`, { cause: error });
  return wrapped;
}

/**
 * An error the driver adapter threw (connection refused, PGlite failing to start…) reaches
 * the engine as an id in the adapter's error registry, and its message as
 * "External error id#<n>": put the adapter error's own message in its place.
 */
function withExternalErrors(error: unknown, registry: ErrorRegistry): unknown {
  if (!(error instanceof Error) || !/External error id#\d+/.test(error.message)) return error;
  const causes: unknown[] = [];
  const message = error.message.replace(/External error id#(\d+)/g, (text, id: string) => {
    const record = registry.consumeError(Number(id));
    if (!record) return text;
    causes.push(record.error);
    return errorMessage(record.error);
  });
  if (causes.length === 0) return error;
  return new Error(message, { cause: causes.length === 1 ? causes[0] : causes });
}

/**
 * The engine logs JSON lines ({level, fields: {message, ...}}). Forwarded: warnings, errors,
 * and the INFO lines naming a migration being applied (not its start banner or timings).
 */
function forwardEngineLog(line: string, log: MigrationLog | undefined): void {
  if (!log) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    log(line.trim());
    return;
  }
  if (!parsed || typeof parsed !== 'object') return;
  const { level, fields } = parsed as { level?: unknown; fields?: unknown };
  const message =
    fields && typeof fields === 'object' ? (fields as { message?: unknown }).message : undefined;
  if (typeof message !== 'string') return;
  if (level !== 'WARN' && level !== 'ERROR' && !(level === 'INFO' && message.startsWith('Applying'))) return;
  // `script` carries a whole migration: too much for a log line.
  const rest = Object.entries(fields as Record<string, unknown>)
    .filter(([key]) => key !== 'message' && key !== 'script')
    .map(([key, value]) => `${key}=${truncate(typeof value === 'string' ? value : JSON.stringify(value))}`);
  log(`schema engine: ${message}${rest.length ? ` (${rest.join(', ')})` : ''}`);
}

function truncate(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
