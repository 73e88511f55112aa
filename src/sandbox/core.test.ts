import { describe, expect, it } from 'vitest';
import { SANDBOX_FAULT, startSandboxServer } from './core.js';

describe('startSandboxServer: arrivals and held calls', () => {
  it('records every request as it arrives, faulted ones with the fault, and tells a handler whose client left', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let sawAbort: boolean | null = null;
    const server = await startSandboxServer({
      handler: async (req) => {
        if (req.path === '/held') {
          await released;
          sawAbort = req.signal.aborted;
        }
        return { body: { ok: true } };
      },
    });
    try {
      expect((await fetch(`${server.url}/a`)).status).toBe(200);
      server.setFaults({ mode: SANDBOX_FAULT.GATEWAY_TIMEOUT, remaining: 1 });
      expect((await fetch(`${server.url}/b`)).status).toBe(504);
      const ctrl = new AbortController();
      const held = fetch(`${server.url}/held`, { signal: ctrl.signal }).catch(() => 'aborted');
      await expect.poll(() => server.arrivals.length).toBe(3);
      expect(server.arrivals[2]).toMatchObject({ path: '/held', answer: null });
      ctrl.abort();
      expect(await held).toBe('aborted');
      await expect.poll(() => server.arrivals[2]?.answer).toBe('lost');
      release();
      await expect.poll(() => sawAbort).toBe(true);
      expect(server.arrivals.map((a) => [a.path, a.answer])).toEqual([['/a', 'HTTP 200'], ['/b', 'HTTP 504'], ['/held', 'lost']]);
    } finally {
      await server.close();
    }
  });
});
