import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Hono, type Context } from 'hono';
import { packageRoot } from '../util/package-info.js';
import type { AppEnv } from './types.js';

/** Where `npm run build` writes the console (vite's outDir in src/console/vite.config.ts). */
export const CONSOLE_DIR = 'dist/console';
export const CONSOLE_PATH = '/console';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

// The console talks only to this hub: no CDN, no external font, no inline script, no framing.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

interface Asset {
  body: Uint8Array;
  type: string;
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(path.join(dir, 'index.html'))) return assets;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    assets.set(`/${rel}`, { body: readFileSync(full), type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream' });
  }
  return assets;
}

/**
 * The built console as static files, read once into memory (a few hundred KB): only the files the
 * build wrote are ever served, so no request path reaches the file system. (@hono/node-server's
 * serveStatic resolves against the working directory, which an embedding service does not control.)
 * Hashed assets are cached for a year; index.html never, so a new build is picked up at once.
 */
export function consoleRoutes(o: { dir?: string } = {}) {
  const dir = o.dir ?? path.join(packageRoot(), CONSOLE_DIR);
  const assets = loadAssets(dir);
  const app = new Hono<AppEnv>();
  const index = assets.get('/index.html');
  const page = (c: Context<AppEnv>) => {
    if (!index) return c.text(`the console is not built: run \`npm run build\` (expected ${path.join(dir, 'index.html')})`, 503, SECURITY_HEADERS);
    return c.body(Buffer.from(index.body), 200, { ...SECURITY_HEADERS, 'content-type': index.type, 'cache-control': 'no-store' });
  };
  app.get('*', (c) => {
    const rel = c.req.path.slice(CONSOLE_PATH.length);
    if (rel === '') return c.redirect(`${CONSOLE_PATH}/`, 301);
    if (rel === '/' || rel === '/index.html') return page(c);
    const asset = assets.get(rel);
    if (!asset) return c.text(`no console file ${rel}`, 404, SECURITY_HEADERS);
    const immutable = rel.startsWith('/assets/');
    return c.body(Buffer.from(asset.body), 200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
  });
  return app;
}

/** Mounts the console on `app` unless `server.console` is false (then /console is a plain 404). */
export function mountConsole(app: Hono<AppEnv>, o: { enabled: boolean; dir?: string | undefined }): void {
  if (!o.enabled) return;
  app.route(CONSOLE_PATH, consoleRoutes(o.dir ? { dir: o.dir } : {}));
}
