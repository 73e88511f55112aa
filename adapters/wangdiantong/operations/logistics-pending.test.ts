import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URL, enterpriseConfig, transport, ULTIMATE_URL, ultimateConfig } from '../testing.js';
import { logisticsPending } from './logistics-pending.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;

describe('logistics.sync pending', () => {
  it('enterprise: logistics_sync_query.php with shop_no and limit; a rec_id beyond 2^53 stays exact', async () => {
    let params: Record<string, string> = {};
    server.use(
      http.post(`${ENTERPRISE_URL}/logistics_sync_query.php`, async ({ request }) => {
        params = Object.fromEntries(new URLSearchParams(await request.text()));
        // The documented sample, with rec_id as an unquoted number to prove exact parsing.
        return new HttpResponse(
          '{"code":0,"message":"","total_count":1,"trades":[{"rec_id":2778958909363191820,"shop_id":"332","tid":"201111670112119","logistics_no":"1111111111221","logistics_type":5,"delivery_term":1,"consign_time":"2025-12-30 11:10:34","is_part_sync":1,"oids":"5553112233122501,5553112233122502","platform_id":127,"logistics_name":"中通快递","sync_status":0}]}',
          { headers: { 'content-type': 'application/json' } },
        );
      }),
    );
    const rows = await logisticsPending(transport(enterpriseConfig()), enterpriseConfig(), { action: 'pending', limit: 50 }, never);
    expect([params['shop_no'], params['limit']]).toEqual(['api_test', '50']);
    expect(rows).toEqual([
      { syncId: '2778958909363191820', tid: '201111670112119', logisticsNo: '1111111111221', logisticsCode: '5', logisticsName: '中通快递', oids: ['5553112233122501', '5553112233122502'] },
    ]);
  });

  it('ultimate: getSyncListExt with own-platform params and a pager', async () => {
    server.use(
      http.post(ULTIMATE_URL, async ({ request }) => {
        const q = new URL(request.url).searchParams;
        expect([q.get('method'), q.get('page_size'), q.get('page_no')]).toEqual(['sales.LogisticsSync.getSyncListExt', '100', '0']);
        expect(JSON.parse(await request.text())).toEqual([{ shop_no: 'api_test', is_own_platform: true }]);
        return HttpResponse.json({
          status: 0,
          total: 1,
          data: [{ sync_id: 152650, tid: 'ceshi20220922001', logistics_no: '2345676543223', logistics_code: 'YZBK', logistics_name: '中国邮政', is_part_sync: 0, oids: '', trade_id: 952727, platform_id: 127, created: '2022-09-22 15:15:00' }],
        });
      }),
    );
    const rows = await logisticsPending(transport(ultimateConfig()), ultimateConfig(), { action: 'pending', limit: 100 }, never);
    expect(rows).toEqual([{ syncId: '152650', tid: 'ceshi20220922001', logisticsNo: '2345676543223', logisticsCode: 'YZBK', logisticsName: '中国邮政', oids: [] }]);
  });

  it('an error body is rejected', async () => {
    server.use(http.post(ULTIMATE_URL, () => HttpResponse.json({ status: 100, message: '参数中必须包含起止时间' })));
    await expect(logisticsPending(transport(ultimateConfig()), ultimateConfig(), { action: 'pending', limit: 10 }, never)).rejects.toMatchObject({ code: 'wdt_100', retryable: false });
  });
});
