import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { secretPaths } from '../../src/sdk/connector-config.js';
import { AdapterError } from '../../src/sdk/errors.js';
import sf, { sfConfig } from './index.js';
import { TEST_CHECKWORD, TEST_PARTNER, TEST_URL, sfOk, testCtx } from './testing.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const deps = { logger: createLogger({ level: 'silent' }), fetch: (...args: Parameters<typeof fetch>) => globalThis.fetch(...args), mappings: null, now: () => new Date() };

describe('sf-express definition', () => {
  it('declares the courier capabilities and a secret checkword', () => {
    expect(sf.manifest).toMatchObject({ id: 'sf-express', kind: 'courier', capabilities: ['waybill.create', 'waybill.update', 'waybill.cancel', 'tracking.query'] });
    expect([...secretPaths(sfConfig)]).toEqual(['checkword']);
    expect(sfConfig.parse({ partnerId: 'P', checkword: 'c' })).toMatchObject({ url: 'https://sfapi.sf-express.com/std/service', expressTypeId: 1, timeoutMs: 15_000 });
  });

  it('dispatches invoke to the operation and refuses a capability it lacks', async () => {
    server.use(http.post(TEST_URL, () => HttpResponse.json(sfOk({ routeResps: [{ mailNo: 'SF1', routes: [] }] }))));
    const inst = await sf.create(sfConfig.parse({ url: TEST_URL, partnerId: TEST_PARTNER, checkword: TEST_CHECKWORD }), deps);
    expect(await inst.invoke('tracking.query', { waybillNo: 'SF1' }, testCtx())).toMatchObject({ carrier: 'sf-express', state: 'none' });
    const err: unknown = await inst.invoke('order.pull', {}, testCtx()).catch((e: unknown) => e);
    expect(err instanceof AdapterError && [err.code, err.retryable]).toEqual(['unsupported_capability', false]);
    expect(await inst.testConnection()).toMatchObject({ ok: true });
    await inst.close();
  });

  it('turns a route push into webhook events keyed for dedupe', async () => {
    const inst = await sf.create(sfConfig.parse({ partnerId: TEST_PARTNER, checkword: TEST_CHECKWORD }), deps);
    const body = JSON.stringify({ Body: { WaybillRoute: [{ id: '9', mailno: 'SF1', orderid: 'o1', acceptTime: '2024-06-01 10:00:00', acceptAddress: '杭州市', opCode: '50' }] } });
    expect(inst.parseWebhook?.({ headers: {}, rawBody: Buffer.from(body) })).toEqual([
      { messageId: '9', topic: 'route/50', orderId: 'o1', payload: expect.objectContaining({ event: 'picked_up', mailno: 'SF1' }) },
    ]);
  });
});
