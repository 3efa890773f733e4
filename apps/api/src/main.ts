import 'reflect-metadata';
import path from 'node:path';
import { createApiApp } from './app/create-app';
import { createHubLogger, validateHubEnvironment } from '@hub/platform';

async function main(): Promise<void> {
  let env;
  try {
    env = validateHubEnvironment(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createHubLogger(env.LOG_LEVEL);
  try {
    // The admin web app is built beside the api: dist/apps/admin next to dist/apps/api.
    const app = await createApiApp(env, logger, { adminAppDir: path.resolve(__dirname, '../admin') });
    await app.listen({ host: env.HOST, port: env.PORT });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info({ host: env.HOST, port, store: env.DATABASE_URL ? 'postgresql' : 'embedded' }, 'messaging hub listening');
    process.stdout.write(`Messaging hub listening on http://${env.HOST}:${port}/elements/api-v2 (docs: /elements/api-v2/docs, admin app: /admin/)\n`);
  } catch (error) {
    logger.fatal({ err: error }, 'the hub could not start');
    process.stderr.write(`The hub could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main();
