// First: V8 settings that keep the process small, set before any other module loads.
import { startCompleted } from '@hub/runtime/v8-footprint';
import 'reflect-metadata';
import { OperationsServer, ProcessState } from '@hub/metrics';
import { closeOnSignals, createHubLogger, PinoNestLogger, storeLog, validateEnvironment } from '@hub/runtime';
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
    env = validateEnvironment(process.env);
    if (!env.DATABASE_URL) throw new Error('Invalid environment:\n  - DATABASE_URL: the poller needs PostgreSQL (on the embedded store, the api runs the event workers itself)');
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createHubLogger(env.LOG_LEVEL, env.LOG_FORMAT).child({ app: 'poller' });
  const state = new ProcessState();
  let operations: OperationsServer | undefined;
  try {
    // HUB_METRICS_PORT: the poller's metrics and probes; open first, so readiness says "starting" while the store opens.
    if (env.HUB_METRICS_PORT !== undefined) {
      operations = await OperationsServer.start({ host: env.HUB_METRICS_HOST, port: env.HUB_METRICS_PORT, state, token: env.HUB_METRICS_TOKEN });
      logger.info({ url: operations.url }, 'metrics and probes listening');
    }
    const app = await NestFactory.createApplicationContext(PollerModule.register(env, storeLog(logger), state), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    // SIGTERM/SIGINT: stop claiming, let the work in flight finish (bounded), give back the claims, exit 0.
    closeOnSignals({
      name: 'the poller',
      state,
      logger,
      drainMs: 0,
      timeoutMs: env.HUB_SHUTDOWN_TIMEOUT_MS,
      close: async () => {
        await app.close();
        await operations?.close();
      },
    });
    await app.init();
    startCompleted();
    process.stdout.write(`Messaging hub poller running (pid ${process.pid}${operations ? `, metrics and probes on ${operations.url}` : ''})\n`);
  } catch (error) {
    logger.fatal({ err: error }, 'the poller could not start');
    process.stderr.write(`The poller could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main();
