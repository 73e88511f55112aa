import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { CONSOLE_PATH, consoleRoutes, mountConsole } from './console.js';
import type { AppEnv } from './types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zs-console-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>中枢</title>');
  await writeFile(path.join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mounted = (d: string) => new Hono().route(CONSOLE_PATH, consoleRoutes({ dir: d }));

describe('the console route', () => {
  it('serves the built page with a same-origin-only policy, and hashed assets as immutable', async () => {
    const app = mounted(dir);
    const page = await app.request('/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('中枢');
    const js = await app.request('/console/assets/main-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 404 for a file the build did not write, however the path is spelled', async () => {
    const app = mounted(dir);
    expect((await app.request('/console/assets/missing.js')).status).toBe(404);
    expect((await app.request('/console/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await app.request('/console/assets/../index.html')).status).not.toBe(500);
  });

  it('says how to build it when there is no build', async () => {
    const res = await mounted(path.join(dir, 'nothing-here')).request('/console/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });

  it('is not mounted with server.console: false', async () => {
    const on = new Hono<AppEnv>();
    mountConsole(on, { enabled: true, dir });
    expect((await on.request('/console/')).status).toBe(200);
    const off = new Hono<AppEnv>();
    mountConsole(off, { enabled: false, dir });
    expect((await off.request('/console/')).status).toBe(404);
  });
});
