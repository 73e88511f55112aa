import { afterEach, describe, expect, it } from 'vitest';
import { sandboxCtx, sandboxDeps } from '../../../src/sandbox/testing.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { CAPABILITY } from '../../../src/sdk/capabilities.js';
import { wdtConfig } from '../config.js';
import wangdiantong from '../index.js';
import { sandbox, type WdtSandbox } from '../sandbox.js';
import { WdtTransport } from '../transport.js';
import { returnsReceivedUltimate } from './returns-received-ultimate.js';

/** wms.returns.received against the WDT sandbox, ultimate edition (旗舰版): wms.stockin.Refund.queryWithDetail by modified window. */
let sb: WdtSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});
const ago = (min: number) => new Date(Date.now() - min * 60_000);
const window = (from: number, to: number) => ({ window: { start: ago(from).toISOString(), end: ago(to).toISOString() } });

describe('wangdiantong wms.returns.received, ultimate edition', () => {
  it('lists the completed stock-ins of the window with their lines (platform tid/oid, spec_no, whole units), in the same shape as the enterprise edition', async () => {
    sb = await sandbox.start();
    const u = await wangdiantong.create(wdtConfig.parse(sb.connectorConfig('ultimate')), sandboxDeps());
    const first = sb.receiveReturn({ tid: 'T-1', lines: [{ oid: 'O-1', specNo: 'FT-1KG', num: 2 }, { oid: 'O-2', specNo: 'TEA-250', num: 1 }], at: ago(30) });
    sb.receiveReturn({ tid: 'T-2', lines: [{ oid: 'O-3', specNo: 'TEA-250', num: 1 }], at: ago(5) });
    const r = await u.invoke(CAPABILITY.WMS_RETURNS_RECEIVED, window(60, 10), sandboxCtx('u1'));
    expect(r).toEqual({
      returns: [
        {
          stockinNo: first.orderNo,
          refundNo: first.refundNo,
          modified: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
          lines: [
            { tid: 'T-1', oid: 'O-1', sku: 'FT-1KG', qty: 2 },
            { tid: 'T-1', oid: 'O-2', sku: 'TEA-250', qty: 1 },
          ],
        },
      ],
      nextPage: null,
    });
    expect(sb.log.events.filter((e) => e.kind === 'wms.stockin.Refund.queryWithDetail')).toHaveLength(1);
    const later = (await u.invoke(CAPABILITY.WMS_RETURNS_RECEIVED, window(10, 0), sandboxCtx('u2'))) as { returns: { lines: { tid: string }[] }[] };
    expect(later.returns.map((x) => x.lines[0]?.tid)).toEqual(['T-2']);
  });

  it('refuses a window over 30 days before calling', async () => {
    sb = await sandbox.start();
    const u = await wangdiantong.create(wdtConfig.parse(sb.connectorConfig('ultimate')), sandboxDeps());
    const long = await u.invoke(CAPABILITY.WMS_RETURNS_RECEIVED, window(31 * 24 * 60, 0), sandboxCtx('u3')).catch((e: unknown) => e);
    expect(long instanceof AdapterError && [long.retryable, /30 days/.test(long.message)]).toEqual([false, true]);
    expect(sb.log.events.filter((e) => e.kind === 'wms.stockin.Refund.queryWithDetail')).toHaveLength(0);
  });

  it('a stock-in line naming no platform tid, or a fraction of a unit, is refused naming the field', async () => {
    const line = (d: Record<string, unknown>) => ({ status: 0, data: { order: [{ order_no: 'RK1', status: 80, modified: '2026-12-05 10:00:00', details_list: [{ spec_no: 'FT-1KG', num: 1, ...d }] }] } });
    // A real transport whose WMS answers this body (a shape the sandbox never sends).
    const config = wdtConfig.parse({ edition: 'ultimate', baseUrl: 'https://wdt.test/openapi', sid: 's', appkey: 'k', appsecret: 'secret:salt', shopNo: 'x' });
    const answer = (body: unknown) => new WdtTransport(config, { fetch: async () => Response.json(body), now: () => new Date() });
    const w = { window: { start: ago(60), end: ago(0) } };
    await expect(returnsReceivedUltimate(answer(line({})), w, new AbortController().signal)).rejects.toThrow(/RK1 details_list\[0\]\.tid: missing/);
    await expect(returnsReceivedUltimate(answer(line({ tid: 'T-9', num: 1.5 })), w, new AbortController().signal)).rejects.toThrow(/details_list\[0\]\.num: not a whole number/);
    await expect(returnsReceivedUltimate(answer({ status: 0, data: { order: [{ status: 80 }] } }), w, new AbortController().signal)).rejects.toThrow(/order_no/);
  });
});
