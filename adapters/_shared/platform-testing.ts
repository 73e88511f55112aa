import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { SetupServer } from 'msw/node';
import { createLogger } from '../../src/logger.js';
import type { AdapterDeps, InvokeContext } from '../../src/sdk/define.js';

/** Test doubles for platform adapters: a silent logger, the global fetch (msw intercepts it). */
export function testDeps(now = new Date('2024-05-01T02:00:00Z')): AdapterDeps {
  return { logger: createLogger({ level: 'silent' }), fetch: (input, init) => globalThis.fetch(input, init), mappings: null, now: () => now };
}

export function testContext(signal: AbortSignal = new AbortController().signal): InvokeContext & { beats: number; limited: string[] } {
  const ctx = {
    signal,
    idempotencyKey: 'wf-1:step-1',
    logger: createLogger({ level: 'silent' }),
    beats: 0,
    heartbeat() {
      ctx.beats++;
    },
    /** The API names the adapter spent a rate-limit token for, in order (one per request). */
    limited: [] as string[],
    rateLimit(api: string) {
      ctx.limited.push(api);
      return Promise.resolve();
    },
  };
  return ctx;
}

/**
 * Answers every form POST to `url` on the msw `server` with `reply` (default `ok` as JSON) and
 * keeps each request's form in `forms`, for the gateway platforms that post url-encoded forms.
 */
export function captureForms(server: SetupServer, url: string, forms: URLSearchParams[], ok: JsonBodyType, reply: (f: URLSearchParams) => Response = () => HttpResponse.json(ok)): void {
  server.use(
    http.post(url, async ({ request }) => {
      const f = new URLSearchParams(await request.text());
      forms.push(f);
      return reply(f);
    }),
  );
}
