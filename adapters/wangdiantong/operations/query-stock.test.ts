import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_URL, enterpriseConfig, transport, ULTIMATE_URL, ultimateConfig } from '../testing.js';
import { queryStock } from './query-stock.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const never = new AbortController().signal;

describe('stock.query, enterprise stock_query.php', () => {
  it('asks once per spec_no and maps stock_num to onHand, matching spec_no exactly', async () => {
    const asked: Record<string, string>[] = [];
    server.use(
      http.post(`${ENTERPRISE_URL}/stock_query.php`, async ({ request }) => {
        const p = Object.fromEntries(new URLSearchParams(await request.text()));
        asked.push(p);
        const rows =
          p['spec_no'] === 'A'
            ? [
                { spec_no: 'A', warehouse_no: 'WH1', stock_num: '12.0000', available_send_stock: '10.0000' },
                { spec_no: 'A-2', warehouse_no: 'WH1', stock_num: '99.0000' },
              ]
            : [{ spec_no: 'B', warehouse_no: 'WH1', stock_num: 0 }];
        return HttpResponse.json({ code: 0, message: '', total_count: rows.length, stocks: rows });
      }),
    );
    const rows = await queryStock(transport(enterpriseConfig()), enterpriseConfig({ warehouseNo: 'WH1' }), { skus: ['A', 'B'] }, never);
    expect(rows).toEqual([
      { sku: 'A', warehouse: 'WH1', onHand: 12, available: 10 },
      { sku: 'B', warehouse: 'WH1', onHand: 0, available: null },
    ]);
    expect(asked.map((p) => [p['spec_no'], p['warehouse_no'], p['page_no'], p['page_size']])).toEqual([
      ['A', 'WH1', '0', '100'],
      ['B', 'WH1', '0', '100'],
    ]);
  });

  it('an error body is rejected', async () => {
    server.use(http.post(`${ENTERPRISE_URL}/stock_query.php`, () => HttpResponse.json({ code: 1007, message: '仓库不存在' })));
    await expect(queryStock(transport(enterpriseConfig()), enterpriseConfig(), { skus: ['A'] }, never)).rejects.toMatchObject({ code: 'wdt_1007', retryable: false });
  });
});

describe('stock.query, ultimate wms.StockSpec.search', () => {
  it('sends the spec_nos list with a pager, skips defective stock and pages until a short page', async () => {
    const pages: string[] = [];
    server.use(
      http.post(ULTIMATE_URL, async ({ request }) => {
        const q = new URL(request.url).searchParams;
        expect(q.get('method')).toBe('wms.StockSpec.search');
        expect(JSON.parse(await request.text())).toEqual([{ spec_nos: ['A'], warehouse_no: 'WH2' }]);
        pages.push(q.get('page_no') ?? '');
        const full = q.get('page_no') === '0';
        const data = full
          ? Array.from({ length: 1000 }, (_, i) => ({ spec_no: i === 0 ? 'A' : `other-${i}`, warehouse_no: 'WH2', stock_num: 3, defect: 0 }))
          : [
              { spec_no: 'A', warehouse_no: 'WH3', stock_num: '5.0000', defect: 0, available_send_stock: 4 },
              { spec_no: 'A', warehouse_no: 'WH3', stock_num: '7.0000', defect: 1 },
            ];
        return HttpResponse.json({ status: 0, total: 1002, data });
      }),
    );
    const rows = await queryStock(transport(ultimateConfig()), ultimateConfig(), { skus: ['A'], warehouse: 'WH2' }, never);
    expect(pages).toEqual(['0', '1']);
    expect(rows).toEqual([
      { sku: 'A', warehouse: 'WH2', onHand: 3, available: null },
      { sku: 'A', warehouse: 'WH3', onHand: 5, available: 4 },
    ]);
  });

  it('an error status is rejected', async () => {
    server.use(http.post(ULTIMATE_URL, () => HttpResponse.json({ status: 100, message: '仓库不存在 仓库编号: daba1' })));
    await expect(queryStock(transport(ultimateConfig()), ultimateConfig(), { skus: ['A'] }, never)).rejects.toMatchObject({ code: 'wdt_100' });
  });
});
