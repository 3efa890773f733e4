// First: V8 settings that keep the process small, set before any other module loads.
import { startCompleted } from '@hub/runtime/v8-footprint';
import 'reflect-metadata';
import path from 'node:path';
import { OperationsServer, ProcessState } from '@hub/metrics';
import { closeOnSignals, createHubLogger, validateEnvironment } from '@hub/runtime';
import { createApiApp } from './app/create-app';
import { FirstOrganizationBootstrap, startUpBanner } from './app/first-organization';

async function main(): Promise<void> {
  let env;
  try {
    env = validateEnvironment(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createHubLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  const state = new ProcessState();
  let operations: OperationsServer | undefined;
  try {
    // HUB_METRICS_PORT opens first, so its readiness says "starting" while the store opens and migrates.
    if (env.HUB_METRICS_PORT !== undefined) {
      operations = await OperationsServer.start({ host: env.HUB_METRICS_HOST, port: env.HUB_METRICS_PORT, state, token: env.HUB_METRICS_TOKEN });
      logger.info({ url: operations.url }, 'metrics and probes listening');
    }
    // The admin web app is built beside the api: dist/apps/admin next to dist/apps/api.
    const app = await createApiApp(env, logger, { adminAppDir: path.resolve(__dirname, '../admin'), state });
    closeOnSignals({
      name: 'the hub',
      state,
      logger,
      drainMs: env.HUB_SHUTDOWN_DRAIN_MS,
      timeoutMs: env.HUB_SHUTDOWN_TIMEOUT_MS,
      close: async () => {
        // The listener first (no new connections, requests in flight answered), then the event
        // workers (their claims given back) and the store: app.close() would stop the workers first.
        // Kept-alive connections are closed as soon as they are idle, not after their keep-alive timeout.
        const server = app.getHttpServer();
        const reaper = setInterval(() => server.closeIdleConnections(), 50);
        try {
          await app.getHttpAdapter().getInstance().close();
        } finally {
          clearInterval(reaper);
        }
        await app.close();
        await operations?.close();
      },
    });
    await app.listen({ host: env.HOST, port: env.PORT });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info({ host: env.HOST, port, store: env.DATABASE_URL ? 'postgresql' : 'embedded' }, 'messaging hub listening');
    const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
    const baseUrl = `http://${host}:${port}`;
    const metrics = [
      env.HUB_METRICS_TOKEN ? `${baseUrl}/metrics (Authorization: Bearer <HUB_METRICS_TOKEN>)` : undefined,
      operations ? `${operations.url}/metrics` : undefined,
    ].filter(Boolean);
    startCompleted();
    process.stdout.write(
      startUpBanner({
        baseUrl,
        metrics: metrics.join(', ') || 'off (set HUB_METRICS_TOKEN or HUB_METRICS_PORT)',
        created: app.get(FirstOrganizationBootstrap).takeCreated(),
      }),
    );
  } catch (error) {
    logger.fatal({ err: error }, 'the hub could not start');
    process.stderr.write(`The hub could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main();
