import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the admin web app (apps/admin) is served. */
export const ADMIN_APP_PATH = '/admin/';

/**
 * The admin app's Content-Security-Policy: only its own files, nothing inline, no framing. The
 * Vite build emits its script and style as files (checked by the admin-app e2e test, which fails
 * on any CSP violation).
 */
export const ADMIN_APP_CSP: Record<string, string[]> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};

/** The admin API answers JSON only: nothing in it may be run, framed or sniffed as something else. */
const ADMIN_API_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const NOT_BUILT = (dir: string) =>
  `The admin app is not built (no ${path.join(dir, 'index.html')}).\n` +
  'Build it with `npx nx build admin-app` (`npm start` builds it with the api), then restart the hub.\n';

/**
 * Serves the built admin app (dist/apps/admin) at /admin/ with security headers (helmet, in a scope
 * of its own: the JSON API and its hub calls keep their headers): hashed assets are cached for a
 * year, index.html is revalidated every time and answers every client route below /admin/.
 * Without a build the hub still starts, and /admin/ says how to build it (503).
 */
export async function registerAdminApp(
  app: NestFastifyApplication,
  options: { dir: string | undefined; secure: boolean; apiPrefix: string },
): Promise<void> {
  const dir = options.dir && path.resolve(options.dir);
  const built = dir !== undefined && existsSync(path.join(dir, 'index.html'));
  const fastify = app.getHttpAdapter().getInstance();

  const adminApi = `/${options.apiPrefix}/admin`;
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.url === adminApi || request.url.startsWith(`${adminApi}/`) || request.url.startsWith(`${adminApi}?`)) void reply.headers(ADMIN_API_HEADERS);
  });

  await fastify.register(async (scope: FastifyInstance) => {
    await scope.register(fastifyHelmet, {
      contentSecurityPolicy: { useDefaults: false, directives: ADMIN_APP_CSP },
      // HSTS only means something over HTTPS; the cookie's Secure flag follows the same setting.
      hsts: options.secure ? { maxAge: 31_536_000 } : false,
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
      crossOriginEmbedderPolicy: true,
    });

    scope.get('/admin', async (_request, reply) => reply.redirect(ADMIN_APP_PATH, 302));

    if (!built) {
      const notBuilt = async (_request: unknown, reply: import('fastify').FastifyReply) =>
        reply.code(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT(dir ?? 'dist/apps/admin'));
      scope.get(ADMIN_APP_PATH, notBuilt);
      scope.get(`${ADMIN_APP_PATH}*`, notBuilt);
      return;
    }

    await scope.register(fastifyStatic, {
      root: dir,
      prefix: ADMIN_APP_PATH,
      // One route per built file (the build is fixed while the hub runs); everything else below
      // /admin/ is a client route and gets index.html from the route below.
      wildcard: false,
      index: 'index.html',
      cacheControl: false,
      dotfiles: 'deny',
      setHeaders: (reply, file) => {
        const hashed = path.relative(dir, file).startsWith(`assets${path.sep}`);
        void reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    scope.get(`${ADMIN_APP_PATH}*`, async (request, reply) => {
      const wanted = request.url.split('?')[0];
      if (wanted.startsWith(`${ADMIN_APP_PATH}assets/`)) {
        // An asset of another build (a page loaded before a redeploy): not the app's HTML.
        return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(`No such file: ${wanted}\n`);
      }
      return reply.sendFile('index.html');
    });
  });
}
