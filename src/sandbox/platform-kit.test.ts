import { describe, expect, it } from 'vitest';
import { parseJsonSafe } from '../util/json.js';
import { SANDBOX_FAULT } from './core.js';
import { ErrorScript, jsonText, PlatformListings, startPlatformServer, yuan } from './platform-kit.js';

describe('startPlatformServer: the bad-signature switch', () => {
  it('reaches the handler for exactly the counted requests, then switches itself off', async () => {
    const seen: boolean[] = [];
    const server = await startPlatformServer({
      handler: (_req, ctx) => {
        seen.push(ctx.badSignature);
        return { body: { ok: true } };
      },
    });
    try {
      server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 2, latencyMs: 0 });
      expect(server.faults).toMatchObject({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 2 });
      for (let i = 0; i < 3; i++) await (await fetch(server.url)).text();
      expect(seen).toEqual([true, true, false]);
      expect(server.faults.mode).toBe(SANDBOX_FAULT.NONE);
      server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE });
      server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, remaining: 1 });
      expect((await fetch(server.url)).status).toBe(503);
      await (await fetch(server.url)).text();
      expect(seen.at(-1)).toBe(false);
      expect(server.requestCount).toBe(5);
    } finally {
      await server.close();
    }
  });
});

describe('jsonText', () => {
  it('writes bigint ids as bare integer literals that a safe parser reads back exactly', () => {
    const text = jsonText({ tid: 4012345678901234567n, tid_str: '4012345678901234567', list: [1n, 'x'] });
    expect(text).toBe('{"tid":4012345678901234567,"tid_str":"4012345678901234567","list":[1,"x"]}');
    expect(parseJsonSafe(text)).toEqual({ tid: '4012345678901234567', tid_str: '4012345678901234567', list: [1, 'x'] });
  });
});

describe('ErrorScript', () => {
  it('answers matching calls the given number of times, first queued first', () => {
    const s = new ErrorScript<string>();
    s.failNext('limited', { api: 'a', times: 2 });
    s.failNext('any');
    expect([s.take('b'), s.take('a'), s.take('a'), s.take('a')]).toEqual(['any', 'limited', 'limited', null]);
  });
});

describe('PlatformListings and yuan', () => {
  it('gives unknown SKUs exact ids beyond 2^53 and finds a SKU by id or merchant code', () => {
    const l = new PlatformListings('test', { item: 3_600_000_000_000_000_000n, sku: 1n });
    const a = l.ensure('A');
    expect(a.itemId).toBe('3600000000000000001');
    expect(l.ensure('A')).toBe(a);
    expect(l.find(a.itemId, undefined, 'A')).toBe(a);
    expect(l.find(a.itemId, '999', undefined)).toBe('no-sku');
    expect(l.find('1', undefined, undefined)).toBe('no-item');
    expect(() => l.list({ sku: '', itemId: 'x' })).toThrow(/test listItem: sku: .*itemId/);
    expect([yuan(0), yuan(5), yuan(32358), yuan(-150)]).toEqual(['0.00', '0.05', '323.58', '-1.50']);
  });
});
