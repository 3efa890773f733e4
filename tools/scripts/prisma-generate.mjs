// Runs `prisma generate` on a machine that cannot download Prisma's native schema
// engine. `generate` itself needs only WebAssembly; pointing PRISMA_SCHEMA_ENGINE_BINARY
// at any existing file skips the CLI's download check. Runs at `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;

const cli = path.join(root, 'node_modules/prisma/build/index.js');
if (!existsSync(cli)) {
  // A production install (--omit=dev) runs a build made elsewhere: the client is bundled in dist/.
  console.log('prisma generate: skipped, the prisma CLI is not installed (production install)');
  process.exit(0);
}

const result = spawnSync(process.execPath, [cli, 'generate'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
