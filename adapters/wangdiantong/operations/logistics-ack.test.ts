import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URL, enterpriseConfig, transport, ULTIMATE_URL, ultimateConfig } from '../testing.js';
import { logisticsAck } from './logistics-ack.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;

describe('logistics.sync ack', () => {
  it('ultimate: update with status 0 / -100 / 2 and the per-row messages the WMS returns', async () => {
    let body: unknown = null;
    server.use(
      http.post(ULTIMATE_URL, async ({ request }) => {
        expect(new URL(request.url).searchParams.get('method')).toBe('sales.LogisticsSync.update');
        body = JSON.parse(await request.text());
        return HttpResponse.json({ status: 0, data: ['同步结果状态为空!'] });
      }),
    );
    const out = await logisticsAck(
      transport(ultimateConfig()),
      ultimateConfig(),
      {
        action: 'ack',
        acks: [
          { syncId: '88950', result: 'ok', message: '' },
          { syncId: '88951', result: 'retry', message: 'platform busy' },
          { syncId: '88952', result: 'fail', message: 'order closed on platform' },
        ],
      },
      never,
    );
    expect(body).toEqual([
      [
        { sync_id: 88950, status: 0, error_msg: '' },
        { sync_id: 88951, status: -100, error_msg: 'platform busy' },
        { sync_id: 88952, status: 2, error_msg: 'order closed on platform' },
      ],
    ]);
    expect(out).toEqual({ acked: ['88950', '88951', '88952'], leftPending: [], errors: [{ syncId: null, message: '同步结果状态为空!' }] });
  });

  it('enterprise: logistics_list with status 0/1, retry left pending, a bigint rec_id sent as text', async () => {
    let list: unknown = null;
    server.use(
      http.post(`${ENTERPRISE_URL}/logistics_sync_ack.php`, async ({ request }) => {
        list = JSON.parse(new URLSearchParams(await request.text()).get('logistics_list') ?? 'null');
        return HttpResponse.json({ code: 0, message: '', errors: [{ rec_id: '2', error: '物流同步结果回传失败,同步表不存在,packId:2' }] });
      }),
    );
    const out = await logisticsAck(
      transport(enterpriseConfig()),
      enterpriseConfig(),
      {
        action: 'ack',
        acks: [
          { syncId: '2778958909363191820', result: 'ok', message: '' },
          { syncId: '2', result: 'fail', message: 'bad tracking number' },
          { syncId: '3', result: 'retry', message: '' },
        ],
      },
      never,
    );
    expect(list).toEqual([
      { rec_id: '2778958909363191820', status: 0, message: '同步成功' },
      { rec_id: 2, status: 1, message: 'bad tracking number' },
    ]);
    expect(out).toEqual({ acked: ['2778958909363191820', '2'], leftPending: ['3'], errors: [{ syncId: '2', message: '物流同步结果回传失败,同步表不存在,packId:2' }] });
  });

  it('enterprise: only retries means no call at all', async () => {
    const out = await logisticsAck(transport(enterpriseConfig()), enterpriseConfig(), { action: 'ack', acks: [{ syncId: '9', result: 'retry', message: '' }] }, never);
    expect(out).toEqual({ acked: [], leftPending: ['9'], errors: [] });
  });

  it('an error body is rejected', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/logistics_sync_ack.php`, () => HttpResponse.json({ code: 1007, message: '接口appkey已停用' })));
    await expect(logisticsAck(transport(enterpriseConfig()), enterpriseConfig(), { action: 'ack', acks: [{ syncId: '1', result: 'ok', message: '' }] }, never)).rejects.toMatchObject({ code: 'wdt_1007', retryable: false });
  });
});
