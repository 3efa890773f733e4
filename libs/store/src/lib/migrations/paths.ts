// Where things are, agreed between the api and the scripts.
import * as fs from 'node:fs';
import * as path from 'node:path';

type Env = Record<string, string | undefined>;

/** The hub's data folder: HUB_DATA_DIR, or `.data` (relative to the working directory). */
export function resolveDataDir(env: Env = process.env): string {
  return env['HUB_DATA_DIR'] ?? '.data';
}

/** The embedded store's PGlite data folder: `<data dir>/pglite`. */
export function embeddedDataDir(env: Env = process.env): string {
  return path.join(resolveDataDir(env), 'pglite');
}

/**
 * The repository's root: the nearest folder, from the working directory and then from this
 * file, that holds `prisma/schema.prisma`. Throws when there is none (e.g. a bundled app
 * started outside the repository: pass the paths explicitly there).
 */
export function workspaceRoot(): string {
  for (const start of [process.cwd(), __dirname]) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'prisma', 'schema.prisma'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`No prisma/schema.prisma found above ${process.cwd()} or ${__dirname}`);
}

/** `<workspace>/prisma/migrations`. */
export function defaultMigrationsDir(): string {
  return path.join(workspaceRoot(), 'prisma', 'migrations');
}

/** `<workspace>/prisma/schema.prisma`. */
export function defaultSchemaPath(): string {
  return path.join(workspaceRoot(), 'prisma', 'schema.prisma');
}
