import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../src/sdk/errors.js';
import { ENTERPRISE_URL, enterpriseConfig, sampleOrder, transport, ULTIMATE_URL, ultimateConfig } from '../testing.js';
import { pushOrder } from './push-order.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;

const Obj = z.record(z.string(), z.unknown());
const EnterpriseTrade = z.object({ order_list: z.array(Obj) }).passthrough();

describe('wms.order.push, enterprise trade_push.php', () => {
  it('sends the documented trade_list with Decimal(19,4) strings, GMT+8 times and the gift in the printed remark', async () => {
    let form: URLSearchParams | null = null;
    server.use(
      http.post(`${ENTERPRISE_URL}/trade_push.php`, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return HttpResponse.json({ code: 0, message: '', new_count: 1, chg_count: 0 });
      }),
    );
    const out = await pushOrder(transport(enterpriseConfig()), enterpriseConfig(), { order: sampleOrder() }, never);
    expect(out).toEqual({ tid: 'E20240501000001', edition: 'enterprise', wmsCode: 0, wmsMessage: '', newCount: 1, chgCount: 0 });

    const f = form ?? new URLSearchParams();
    expect(f.get('shop_no')).toBe('api_test');
    const list = z.array(EnterpriseTrade).parse(JSON.parse(f.get('trade_list') ?? 'null'));
    expect(list).toHaveLength(1);
    const trade = list[0];
    expect(trade).toMatchObject({
      tid: 'E20240501000001',
      trade_status: 30,
      pay_status: 2,
      delivery_term: 1,
      trade_time: '2024-05-01 09:59:00',
      pay_time: '2024-05-01 10:00:00',
      buyer_nick: 'buyer-handle-1',
      receiver_name: '张三',
      receiver_mobile: '13800138000',
      receiver_province: '浙江省',
      receiver_city: '杭州市',
      receiver_district: '西湖区',
      receiver_address: '文新街道文一西路 100 号',
      post_amount: '8.0000',
      paid: '297.0000',
      cod_amount: '0.0000',
      remark: 'Gift: 饮水机滤芯 x1 (label: top right of the waybill); handle with care',
    });
    expect(trade?.order_list).toEqual([
      expect.objectContaining({ oid: 'E20240501000001-1', num: 1, price: '299.0000', discount: '10.0000', spec_no: 'ZP-2026-01', goods_id: 'G1', spec_id: 'S1', remark: '', status: 30, refund_status: 0 }),
      expect.objectContaining({ oid: 'E20240501000001-gift-1', num: 1, price: '0.0000', spec_no: 'FP-001', remark: 'Gift: 饮水机滤芯 x1 (label: top right of the waybill)' }),
    ]);
  });

  it('a repeated push reports an update, with the WMS counts kept', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/trade_push.php`, () => HttpResponse.json({ code: 0, message: 'ok', new_count: 0, chg_count: 1 })));
    const out = await pushOrder(transport(enterpriseConfig()), enterpriseConfig(), { order: sampleOrder() }, never);
    expect([out.newCount, out.chgCount, out.wmsMessage]).toEqual([0, 1, 'ok']);
  });

  it('an error body is rejected with the WMS code', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/trade_push.php`, () => HttpResponse.json({ code: 99, message: 'buyer_nick 名字不能只用一个，不同客户必须用不同的名字' })));
    const err = await pushOrder(transport(enterpriseConfig()), enterpriseConfig(), { order: sampleOrder() }, never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ code: 'wdt_99', retryable: false });
  });
});

describe('wms.order.push, ultimate sales.RawTrade.pushSelf', () => {
  it('sends [shop_no, rawTradeList, rawTradeOrderList] with exact decimals and gift_type', async () => {
    let body: unknown = null;
    let method: string | null = null;
    server.use(
      http.post(ULTIMATE_URL, async ({ request }) => {
        method = new URL(request.url).searchParams.get('method');
        body = JSON.parse(await request.text());
        return HttpResponse.json({ status: 0, data: { chg_count: 0, new_count: 1 } });
      }),
    );
    const out = await pushOrder(transport(ultimateConfig()), ultimateConfig(), { order: sampleOrder() }, never);
    expect(out).toMatchObject({ edition: 'ultimate', newCount: 1, chgCount: 0, wmsCode: 0 });
    expect(method).toBe('sales.RawTrade.pushSelf');
    const [shop, trades, orders] = z.tuple([z.string(), z.array(Obj), z.array(Obj)]).parse(body);
    expect(shop).toBe('api_test');
    expect(trades[0]).toMatchObject({
      tid: 'E20240501000001',
      trade_status: 30,
      process_status: 10,
      receiver_area: '浙江省 杭州市 西湖区',
      receivable: '297.0000',
      discount: '10.0000',
      post_amount: '8.0000',
      goods_count: '2.0000',
      order_count: 2,
      remark: 'Gift: 饮水机滤芯 x1 (label: top right of the waybill); handle with care',
      is_auto_wms: false,
      warehouse_no: '',
    });
    expect(orders).toEqual([
      expect.objectContaining({ oid: 'E20240501000001-1', num: '1.0000', price: '299.0000', total_amount: '289.0000', gift_type: 0 }),
      expect.objectContaining({ oid: 'E20240501000001-gift-1', total_amount: '0.0000', gift_type: 1, remark: 'Gift: 饮水机滤芯 x1 (label: top right of the waybill)' }),
    ]);
  });

  it('an error status is rejected', async () => {
    server.use(http.post(ULTIMATE_URL, () => HttpResponse.json({ status: 100, message: '店铺平台不是自有平台' })));
    await expect(pushOrder(transport(ultimateConfig()), ultimateConfig(), { order: sampleOrder() }, never)).rejects.toMatchObject({ code: 'wdt_100', retryable: false });
  });
});
