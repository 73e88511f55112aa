import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { ChannelConfig } from '../../src/config/schema.js';
import { jdPulledCase } from '../../src/after-sales/platforms/jd.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { testContext, testDeps } from '../_shared/platform-testing.js';
import { JD_ASC_EXPECT, JD_ASC_STATUS } from './aftersales-codes.js';
import jd from './index.js';
import { sandbox, type JdSandbox } from './sandbox.js';

/** The real JD adapter's aftersales.pull against the JOS sandbox over 127.0.0.1, and each row read as its case. */
const T0 = new Date('2026-06-18T10:00:00+08:00');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const ORDER = '300223456789';

let sb: JdSandbox;
let a: AdapterInstance;

function channel(): ChannelConfig {
  const r = parseConfig({ connectors: [{ id: 'c', adapter: 'youzan' }], channels: [{ id: 'jd-main', adapter: 'youzan', shop: 'jd-shop', connector: 'c', mapping: 'youzan/order.v1', currency: 'CNY' }] }, {});
  if (!r.ok || !r.config.channels[0]) throw new Error(`test channel: ${JSON.stringify(r)}`);
  return r.config.channels[0];
}

async function pullAll(start: Date, end: Date): Promise<unknown[]> {
  const out: unknown[] = [];
  let page: number | undefined;
  for (let calls = 0; calls < 20; calls++) {
    const r = (await a.invoke(CAPABILITY.AFTER_SALES_PULL, { window: { start: start.toISOString(), end: end.toISOString() }, ...(page ? { page } : {}) }, testContext())) as { refunds: unknown[]; nextPage: number | null };
    out.push(...r.refunds);
    if (r.nextPage === null) return out;
    page = r.nextPage;
  }
  throw new Error('more than 20 pages');
}

beforeAll(async () => {
  sb = await sandbox.start();
  sb.placeOrder({ id: ORDER, lines: [{ sku: 'JD-AS-1', qty: 2, price: 1990 }, { sku: 'JD-AS-2', qty: 1, price: 990 }], modifiedAt: at(-60) });
  a = await jd.create(jd.configSchema.parse({ ...sb.connectorConfig(), pageSize: 2, timeoutMs: 2000 }), testDeps(new Date()));
});
afterAll(async () => {
  await a.close();
  await sb.close();
});

describe('jd aftersales.pull (jingdong.asc.query.list)', () => {
  it('lists every service order updated in the window over pages, each read as a case on its order line', async () => {
    const first = sb.openAfterSale({ orderId: ORDER, sku: 'JD-AS-1', modifiedAt: at(1) });
    sb.openAfterSale({ orderId: ORDER, sku: 'JD-AS-2', expect: JD_ASC_EXPECT.EXCHANGE, modifiedAt: at(2) });
    sb.openAfterSale({ orderId: ORDER, sku: 'JD-AS-2', expect: JD_ASC_EXPECT.REPAIR, modifiedAt: at(3) });
    sb.openAfterSale({ orderId: ORDER, modifiedAt: at(40) }); // outside the window
    const rows = await pullAll(at(0), at(30));
    expect(rows).toHaveLength(3);
    const cases = rows.map((record) => jdPulledCase({ channel: channel(), record }));
    const skuId = String(first['skuId']);
    // Pages are read from the last back: find the first service's case by its key.
    const caseKey = `after-sales:jd:${String(first['serviceId'])}`;
    expect(cases.find((c) => !(c instanceof Error) && c.caseKey === caseKey)).toMatchObject({
      caseKey,
      platform: 'jd',
      orderKey: `jd-main:${ORDER}`,
      type: 'return_and_refund',
      lines: [{ lineId: skuId, sku: null, qty: 2 }],
      openedAt: '2026-06-18T10:01:00+08:00',
      first: { status: 'requested', platformStatus: 'serviceStatus 10' },
    });
    expect(cases.map((c) => (c instanceof Error ? c.message : c.type)).sort()).toEqual(['complaint', 'exchange', 'return_and_refund']);
  });

  it('a completed return is a refund done, a completed exchange closes without one; a later window sees only the move', async () => {
    const ret = sb.openAfterSale({ orderId: ORDER, modifiedAt: at(100) });
    const ex = sb.openAfterSale({ orderId: ORDER, expect: JD_ASC_EXPECT.EXCHANGE, modifiedAt: at(101) });
    sb.updateAfterSale(Number(ret['serviceId']), { status: JD_ASC_STATUS.COMPLETED, modifiedAt: at(130) });
    sb.updateAfterSale(Number(ex['serviceId']), { status: JD_ASC_STATUS.COMPLETED, modifiedAt: at(131) });
    const rows = await pullAll(at(120), at(140));
    const cases = rows.map((record) => jdPulledCase({ channel: channel(), record }));
    expect(cases.map((c) => (c instanceof Error ? c.message : [c.platformCaseId, c.first.status]))).toEqual([
      [String(ret['serviceId']), 'refunded'],
      [String(ex['serviceId']), 'closed'],
    ]);
  });

  it('a window the sandbox refuses names the parameter; bad sandbox input names the field', async () => {
    const err = await a.invoke(CAPABILITY.AFTER_SALES_PULL, { window: { start: at(0).toISOString(), end: at(-5).toISOString() } }, testContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect(String((err as Error).message)).toMatch(/window|end/);
    expect(() => sb.openAfterSale({ orderId: '1' })).toThrow(/orderId: no order 1/);
    expect(() => sb.updateAfterSale(1, { status: 99 as never })).toThrow(/status/);
  });

  it('two sandboxes never hand out the same service ids: on one Temporal server they would name the same case', async () => {
    const [one, two] = [await sandbox.start(), await sandbox.start()];
    try {
      const ids = [one, two].flatMap((s) => {
        s.placeOrder({ id: ORDER, lines: [{ sku: 'JD-AS-1', qty: 1, price: 1990 }], modifiedAt: at(-60) });
        return [s.openAfterSale({ orderId: ORDER, modifiedAt: at(1) }), s.openAfterSale({ orderId: ORDER, modifiedAt: at(2) })].map((r) => r['serviceId']);
      });
      for (const id of ids) expect(Number.isSafeInteger(id)).toBe(true);
      expect(new Set(ids).size).toBe(4);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
