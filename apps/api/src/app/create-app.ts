import { AccessLogController, ApiExceptionFilter, hubValidationPipe, registerRequestLimits } from '@hub/http';
import { HubCallRoute, registerHubCallMetrics } from '@hub/hub';
import { ProcessState, registerRequestMetrics } from '@hub/metrics';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { registerAdminApp } from './admin-app';
import { AppModule } from './app.module';
import { type Environment, PinoNestLogger, PLATFORM_API_PREFIX, publicUrlOf, storeLog } from '@hub/runtime';

/** `elements/api-v2`: the runtime's PLATFORM_API_PREFIX, which formulas' request steps call below, without its slash. */
export const API_PREFIX = PLATFORM_API_PREFIX.slice(1);
/** The old platform's payload limit. */
export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

export interface ApiAppOptions {
  /** The built admin web app (dist/apps/admin), served at /admin/; without it /admin/ says how to build it. */
  readonly adminAppDir?: string;
  /** The process's phase for the probes (main.ts shares it with its shutdown handler); a new one by default. */
  readonly state?: ProcessState;
}

/** Probes and scrapes come every few seconds: they are not logged as requests. */
const QUIET_PATHS = /^\/(health(\/live|\/ready)?|metrics)(\?|$)/;

/** One access-log line per request (AccessLogController); probes and scrapes are not logged. */
function accessLog(): AccessLogController {
  return new AccessLogController({ requestIdLogLabel: 'requestId', disableRequestLogging: (req) => QUIET_PATHS.test(req.url ?? '') });
}

/** Builds the api app (not yet listening): used by main.ts and by the in-process tests. */
export async function createApiApp(env: Environment, logger: Logger, options: ApiAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    logController: accessLog(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env, storeLog(logger), options.state ?? new ProcessState()), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // Vendor webhooks are verified over the exact bytes received (X-Twilio-Signature, bodySHA256).
    rawBody: true,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(hubValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  // No enableShutdownHooks(): main.ts handles SIGTERM itself (closeOnSignals: drain, then close, exit 0).

  const fastify = app.getHttpAdapter().getInstance();
  // Body size, depth and keys per route, NUL characters, the overload guard: before any route runs.
  await registerRequestLimits(fastify, { maxEventLoopDelayMs: env.HUB_MAX_EVENT_LOOP_DELAY_MS });
  registerRequestMetrics(fastify);
  registerHubCallMetrics(app);
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('Elements-Request-Id', request.id);
  });

  // The hot path, served by Fastify without Nest's per-request pipeline (HubCallRoute says why).
  app.get(HubCallRoute).register(fastify, PLATFORM_API_PREFIX);
  registerOpenApiDocument(app);
  await registerAdminApp(app, { dir: options.adminAppDir, secure: publicUrlOf(env).startsWith('https://'), apiPrefix: API_PREFIX });
  return app;
}

/**
 * GET /elements/api-v2/docs: the OpenAPI description of the platform API, built from the routes on
 * the first request and kept (the routes are fixed once the app is built). Building it walks every
 * controller's metadata: about 2% of a start's CPU and a few MB of heap that most processes never need.
 */
function registerOpenApiDocument(app: NestFastifyApplication): void {
  let document: OpenAPIObject | undefined;
  app.getHttpAdapter().getInstance().get(`/${API_PREFIX}/docs`, async () => {
    document ??= SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Messaging Hub')
        .setDescription('Platform API of the messaging hub (wire compatible with Cloud Elements /elements/api-v2).')
        .setVersion('2')
        .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'User <secret>, Organization <secret>' }, 'User-Organization')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The token from POST /authentication (GET /authentication/secrets only)' })
        .build(),
    );
    return document;
  });
}
