import { afterEach, describe, expect, it } from 'vitest';
import { sandboxCtx, sandboxDeps } from '../../../src/sandbox/testing.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { CAPABILITY } from '../../../src/sdk/capabilities.js';
import { wdtConfig } from '../config.js';
import wangdiantong from '../index.js';
import { sandbox, type WdtSandbox } from '../sandbox.js';

/** wms.returns.received against the WDT sandbox (enterprise edition): completed return stock-ins by modified window. */
let sb: WdtSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});
const ago = (min: number) => new Date(Date.now() - min * 60_000);
const window = (from: number, to: number) => ({ window: { start: ago(from).toISOString(), end: ago(to).toISOString() } });

describe('wangdiantong wms.returns.received', () => {
  it('lists the stock-ins of the window with their lines (platform tid/oid, spec_no, whole units); none outside it', async () => {
    sb = await sandbox.start();
    const a = await wangdiantong.create(wdtConfig.parse(sb.connectorConfig('enterprise')), sandboxDeps());
    const first = sb.receiveReturn({ tid: 'T-1', lines: [{ oid: 'O-1', specNo: 'FT-1KG', num: 2 }], logisticsNo: 'SF100', at: ago(30) });
    sb.receiveReturn({ tid: 'T-2', lines: [{ oid: 'O-2', specNo: 'TEA-250', num: 1 }], at: ago(5) });
    const r = await a.invoke(CAPABILITY.WMS_RETURNS_RECEIVED, window(60, 10), sandboxCtx('r1'));
    expect(r).toEqual({ returns: [{ stockinNo: first.orderNo, refundNo: first.refundNo, modified: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), lines: [{ tid: 'T-1', oid: 'O-1', sku: 'FT-1KG', qty: 2 }] }], nextPage: null });
    const later = (await a.invoke(CAPABILITY.WMS_RETURNS_RECEIVED, window(10, 0), sandboxCtx('r2'))) as { returns: { lines: { tid: string }[] }[] };
    expect(later.returns.map((x) => x.lines[0]?.tid)).toEqual(['T-2']);
  });

  it('refuses a window over 30 days before calling (the ultimate edition: returns-received-ultimate.test.ts)', async () => {
    sb = await sandbox.start();
    const a = await wangdiantong.create(wdtConfig.parse(sb.connectorConfig('enterprise')), sandboxDeps());
    const long = await a.invoke(CAPABILITY.WMS_RETURNS_RECEIVED, window(31 * 24 * 60, 0), sandboxCtx('r3')).catch((e: unknown) => e);
    expect(long instanceof AdapterError && [long.retryable, /30 days/.test(long.message)]).toEqual([false, true]);
    expect(sb.log.events.filter((e) => e.kind === 'stockin_order_query_refund.php')).toHaveLength(0);
  });
});
