import 'reflect-metadata';
import { createHubLogger, PinoNestLogger, validateHubEnvironment } from '@hub/platform';
import { NestFactory } from '@nestjs/core';
import { PollerModule } from './app/poller.module';

/**
 * The poller: polls the instances whose events come by polling and delivers every instance's
 * notifications, against the same PostgreSQL as the api (DATABASE_URL, HUB_ENCRYPTION_KEY).
 * On the embedded store the api runs this work itself; there is nothing to start.
 */
async function main(): Promise<void> {
  let env;
  try {
    env = validateHubEnvironment(process.env);
    if (!env.DATABASE_URL) throw new Error('Invalid environment:\n  - DATABASE_URL: the poller needs PostgreSQL (on the embedded store, the api runs the event workers itself)');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createHubLogger(env.LOG_LEVEL).child({ app: 'poller' });
  try {
    const app = await NestFactory.createApplicationContext(PollerModule.register(env, (m) => logger.info(m)), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    await app.init();
    // SIGTERM/SIGINT: stop claiming, let the work in flight finish and give back the claims, then exit 0.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'the poller is stopping');
        app.close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'the poller did not stop cleanly');
            process.exit(1);
          },
        );
      });
    }
    process.stdout.write(`Messaging hub poller running (pid ${process.pid})\n`);
  } catch (error) {
    logger.fatal({ err: error }, 'the poller could not start');
    process.stderr.write(`The poller could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main();
