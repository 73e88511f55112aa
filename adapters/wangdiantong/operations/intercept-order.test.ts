import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URL, enterpriseConfig, sampleOrder, transport, ULTIMATE_URL, ultimateConfig } from '../testing.js';
import { interceptOrder } from './intercept-order.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;
const Obj = z.record(z.string(), z.unknown());

describe('wms.order.intercept', () => {
  it('enterprise: re-pushes the same tid as refunded (80, lines refund_status 5) with the reason on the remark', async () => {
    let list: unknown = null;
    server.use(
      http.post(`${ENTERPRISE_URL}/trade_push.php`, async ({ request }) => {
        list = JSON.parse(new URLSearchParams(await request.text()).get('trade_list') ?? 'null');
        return HttpResponse.json({ code: 0, message: '', new_count: 0, chg_count: 1 });
      }),
    );
    const out = await interceptOrder(transport(enterpriseConfig()), enterpriseConfig(), { order: sampleOrder(), reason: 'buyer cancelled' }, never);
    expect(out).toEqual({ tid: 'E20240501000001', edition: 'enterprise', wmsCode: 0, wmsMessage: '', tradeStatus: 80 });
    const [trade] = z.array(z.object({ order_list: z.array(Obj) }).passthrough()).parse(list);
    expect(trade).toMatchObject({ tid: 'E20240501000001', trade_status: 80, refund_status: 3 });
    expect(String(trade?.['remark'])).toMatch(/^INTERCEPT: buyer cancelled; Gift: /);
    expect(trade?.order_list.map((l) => [l['status'], l['refund_status']])).toEqual([
      [80, 5],
      [80, 5],
    ]);
  });

  it('ultimate: an unpaid order is closed (90, refund_status 6) instead', async () => {
    let body: unknown = null;
    server.use(
      http.post(ULTIMATE_URL, async ({ request }) => {
        body = JSON.parse(await request.text());
        return HttpResponse.json({ status: 0, data: { chg_count: 1, new_count: 0 } });
      }),
    );
    const out = await interceptOrder(transport(ultimateConfig()), ultimateConfig(), { order: sampleOrder({ status: 'awaiting_payment', paidAt: null }), reason: 'unpaid timeout' }, never);
    expect(out.tradeStatus).toBe(90);
    const [, trades, orders] = z.tuple([z.string(), z.array(Obj), z.array(Obj)]).parse(body);
    expect(trades[0]).toMatchObject({ trade_status: 90, refund_status: 0, pay_status: 0 });
    expect(orders.map((o) => o['refund_status'])).toEqual([6, 6]);
  });

  it('the WMS refusing the update is rejected', async () => {
    server.use(http.post(ULTIMATE_URL, () => HttpResponse.json({ status: 100, message: '未找到符合条件的订单' })));
    await expect(interceptOrder(transport(ultimateConfig()), ultimateConfig(), { order: sampleOrder(), reason: 'x' }, never)).rejects.toMatchObject({ code: 'wdt_100', retryable: false });
  });
});
