import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import wecom from './index.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const logger = pino({ level: 'silent' });
const ctx = { signal: new AbortController().signal, idempotencyKey: 'wf:alert', logger, heartbeat() {} };

describe('wecom adapter', () => {
  it('is a notifier with alert.send whose key is a secret', () => {
    expect(wecom.manifest).toMatchObject({ id: 'wecom', kind: 'notifier', capabilities: ['alert.send'] });
    expect([...secretPaths(wecom.configSchema)]).toEqual(['key']);
  });

  it('sends through invoke and refuses other capabilities', async () => {
    let n = 0;
    server.use(
      http.post('https://qyapi.weixin.qq.com/cgi-bin/webhook/send', () => {
        n++;
        return HttpResponse.json({ errcode: 0, errmsg: 'ok' });
      }),
    );
    const a = await wecom.create(wecom.configSchema.parse({ key: 'k' }), { logger, fetch: globalThis.fetch, mappings: null, now: () => new Date() });
    await a.invoke('alert.send', { title: 't', text: 'x', severity: 'info' }, ctx);
    expect(n).toBe(1);
    await expect(a.invoke('stock.query', {}, ctx)).rejects.toMatchObject({ code: 'unsupported_capability' });
  });
});
