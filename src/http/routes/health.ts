import { Hono } from 'hono';
import type { AppEnv } from '../types.js';

export interface Probe {
  name: string;
  check(): Promise<void>;
}

/** /healthz says the process is up; /readyz checks each dependency and names the one that is not. */
export function healthRoutes(probes: readonly Probe[], timeoutMs = 2000) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      probes.map(async (p) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            p.check(),
            new Promise((_r, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return { name: p.name, ok: true as const };
        } catch (err) {
          return { name: p.name, ok: false as const, reason: err instanceof Error ? err.message : String(err) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    return c.json({ status: ready ? 'ready' : 'not_ready', checks: results }, ready ? 200 : 503);
  });
  return app;
}
