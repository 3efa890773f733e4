import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The admin app, served by the hub at /admin/ (apps/api/src/app/admin-app.ts). The build must not
 * inline any script or style: the hub's Content-Security-Policy allows only files from 'self'.
 * `npx nx serve admin-app` runs Vite's dev server, proxying the admin API to a hub on :8080.
 */
export default defineConfig({
  root,
  base: '/admin/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/admin', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
  server: { proxy: { '/elements/api-v2': 'http://127.0.0.1:8080' } },
});
