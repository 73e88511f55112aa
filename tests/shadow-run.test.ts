import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { shadowCompareCommand } from '../src/cli/shadow.js';
import { sandbox as douyinSandbox, type DouyinSandbox } from '../adapters/douyin/sandbox.js';
import { sandbox as wdtSandbox, type WdtSandbox } from '../adapters/wangdiantong/sandbox.js';
import type { Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { DOUYIN_EWAYBILL, DOUYIN_WMS_MAPPING } from '../src/sandbox/world.js';
import { ShadowRecorder } from '../src/shadow/recorder.js';
import { freePort } from './support/global-setup.js';
import { ADMIN_KEY, CS_KEY, ENGINEER_KEY, startTestHub } from './support/hub.js';
import type { Json } from './support/json.js';
import { dailyShadowSummary } from '../src/shadow/compare/daily.js';
import { compareDay } from '../src/shadow/compare/run.js';
import odbc from 'odbc';
import { orderApi } from './support/orders.js';

/**
 * A Douyin channel in shadow mode beside the old system, every system real over HTTP (Douyin and
 * Wangdiantong sandboxes, Temporal, Redis, PostgreSQL): the order is fetched from Douyin (a read),
 * runs the whole lifecycle, and its e-waybill, WMS trade and shipment confirmation are recorded in
 * the store, never sent. Then the channel is switched to live by config (the hub restarted on the
 * same queue and store): the shadow order stays in shadow to its end, a new order goes live.
 */
const WH = 'WH-SHADOW';
const CHANNEL = 'dy-shadow';
const admin = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let dy: DouyinSandbox;
let wdt: WdtSandbox;
let hub: Hub & { prefix: string; taskQueue: string };
let server: ServerType;
const suffix = String(Date.now()).slice(-8);
let seq = 0;
let exportDir: string;

function hubWith(mode: 'shadow' | 'live', same?: { prefix: string; taskQueue: string }) {
  const shop = dy.connectorConfig();
  const secrets = { appSecret: '${DY_SECRET}', accessToken: '${DY_TOKEN}' };
  return startTestHub({
    ...(same ?? {}),
    env: { DY_SECRET: String(shop['appSecret']), DY_TOKEN: String(shop['accessToken']), WDT_SECRET: 'wdt-secret' },
    config: {
      connectors: [
        { id: 'dy', adapter: 'douyin', config: { ...shop, ...secrets } },
        { id: 'dy-ewb', adapter: 'douyin', config: { ...dy.ewaybillConnectorConfig(DOUYIN_EWAYBILL), ...secrets } },
        { id: 'wdt', adapter: 'wangdiantong', config: { edition: 'enterprise', baseUrl: String(wdt.connectorConfig('enterprise')['baseUrl']), sid: 'zs', appkey: 'zs-key', appsecret: '${WDT_SECRET}', shopNo: 'ZS-SHOP', timeoutMs: 10_000 } },
      ],
      channels: [{ id: CHANNEL, adapter: 'douyin', shop: '12345', connector: 'dy', mapping: 'douyin/order.v2', mode, poll: { enabled: false }, courier: { connector: 'dy-ewb', mappings: { wms: DOUYIN_WMS_MAPPING } }, shipmentConfirm: { at: 'pickup' } }],
      shadow: { compare: { csvPath: path.join(exportDir, '{channel}-{date}.csv') } },
      lifecycle: { enabled: true, warehouse: WH, wms: 'wdt', mappings: { wms: 'wangdiantong/trade-push.v1' }, retry: { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 1.5 } },
    },
  });
}

beforeAll(async () => {
  exportDir = await mkdtemp(path.join(tmpdir(), 'zs-shadow-'));
  const port = await freePort();
  dy = await douyinSandbox.start({ push: { hubUrl: `http://127.0.0.1:${port}` }, channel: CHANNEL });
  wdt = await wdtSandbox.start({ sid: 'zs', appkey: 'zs-key', appsecret: 'wdt-secret', edition: 'enterprise', shopNo: 'ZS-SHOP' });
  hub = await hubWith('shadow');
  // The pushes reach whichever hub runs now (the switch to live restarts it).
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: (req) => hub.app.fetch(req), hostname: '127.0.0.1', port }, () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await hub?.stop();
  await Promise.all([dy?.close(), wdt?.close()]);
});

const { waitFor } = orderApi(() => hub);
async function placeAndPush(sku: string): Promise<{ id: string; key: string }> {
  await new InventoryPool(hub.redis, hub.prefix).setOnHand(WH, sku, 5);
  const id = `6950${suffix}${String(++seq).padStart(7, '0')}`;
  dy.placeOrder({ id, lines: [{ sku, qty: 1, price: 2990 }] });
  expect((await dy.pushOrder(id)).status).toBe(200);
  return { id, key: `${CHANNEL}:${id}` };
}
function recorder(): ShadowRecorder {
  if (!hub.orders) throw new Error('the test hub has no order store');
  return new ShadowRecorder(hub.orders.db);
}
const ewaybillsOf = (id: string) => [...dy.state().ewaybills.live, ...dy.state().ewaybills.cancelled].filter((w) => w.extra['douyinOrderId'] === id);
async function pickUp(key: string, waybillNo: string): Promise<void> {
  const res = await hub.app.request(`/api/orders/${key}/tracking`, { method: 'POST', headers: admin, body: JSON.stringify({ event: 'picked_up', at: new Date().toISOString(), waybillNo }) });
  expect(res.status).toBe(200);
}

/** The old system's export row for an order, built from what the hub decided (the old system agreeing). */
function exportRow(o: Json): Record<string, string> {
  const a = o.order.address;
  const yuan = (m: Json) => (m.minor / 100).toFixed(2);
  return {
    平台订单号: o.order.source.platformOrderId,
    物流公司: o.carrier === 'SF' ? '顺丰速运' : String(o.carrier),
    挂起原因: '',
    赠品: '',
    仓库指令: o.order.lines.map((l: Json) => `${l.merchantSku}*${l.quantity}`).join(';'),
    省: a.province ?? '',
    市: a.city ?? '',
    区: a.district ?? '',
    街道: a.street ?? '',
    详细地址: a.detail?.plaintext ?? a.detail?.ciphertext ?? '',
    商品金额: yuan(o.order.totals.goods),
    运费: yuan(o.order.totals.freight),
    优惠金额: yuan(o.order.totals.discount),
    实付金额: yuan(o.order.totals.paid),
  };
}
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

describe('a channel in shadow mode', () => {
  it('is compared with the old system\'s export: matched, planted differences by field, missing on each side, a bad row named', async () => {
    const orders = [];
    for (const sku of ['CMP-1', 'CMP-2', 'CMP-3']) {
      const { key } = await placeAndPush(sku);
      orders.push(await waitFor(key, 'pushed_to_wms'));
    }
    const [same, planted, onlyHub] = orders;
    const rows = [
      exportRow(same),
      // The old system chose ZTO, held the order for stock, has another house number and took 1 yuan more.
      { ...exportRow(planted), 物流公司: '中通', 挂起原因: '缺货', 详细地址: '沁园路99号', 实付金额: ((planted.order.totals.paid.minor + 100) / 100).toFixed(2) },
      { ...exportRow(same), 平台订单号: 'OLD-ONLY-1' },
      { ...exportRow(same), 平台订单号: 'OLD-BAD-1', 实付金额: '12.345' },
    ];
    const date = today();
    await writeFile(path.join(exportDir, `${CHANNEL}-${date}.csv`), stringify(rows, { header: true }));

    const res = await hub.app.request(`/api/shadow/compare?channel=${CHANNEL}&date=${date}`, { headers: { authorization: `Bearer ${ENGINEER_KEY}` } });
    expect(res.status).toBe(200);
    const report: Json = await res.json();
    expect(report.totals).toEqual({ matched: 1, differing: 1, missing_in_hub: 1, missing_in_legacy: 1 });
    const by = (id: string) => report.orders.find((o: Json) => o.orderId === id);
    expect(by(same.order.source.platformOrderId)).toEqual({ orderId: same.order.source.platformOrderId, result: 'matched', differences: [] });
    expect(by(onlyHub.order.source.platformOrderId).result).toBe('missing_in_legacy');
    expect(by('OLD-ONLY-1').result).toBe('missing_in_hub');
    const diff = by(planted.order.source.platformOrderId);
    expect(diff.result).toBe('differing');
    expect(diff.differences.map((d: Json) => [d.field, d.hub, d.legacy])).toEqual([
      ['carrier', 'SF', 'ZTO'],
      ['holds', '', 'insufficient_stock'],
      ['address', expect.stringMatching(/^河南省济源市\*\*\*/), expect.stringMatching(/^河南省济源市\*\*\*/)],
      ['amounts.paid', String(planted.order.totals.paid.minor), String(planted.order.totals.paid.minor + 100)],
    ]);
    // The address is masked in the report: neither house number nor ciphertext appears.
    expect(JSON.stringify(report)).not.toContain('沁园路99号');
    expect(JSON.stringify(report)).not.toContain('##SbxDetail');
    expect(report.byField).toEqual({ carrier: 1, holds: 1, address: 1, 'amounts.paid': 1 });
    expect(report.rejects).toEqual([{ row: 5, field: '实付金额', reason: '"12.345" is not an amount in yuan with at most two decimals' }]);

    const csv = await hub.app.request(`/api/shadow/compare?channel=${CHANNEL}&date=${date}&format=csv`, { headers: { authorization: `Bearer ${ENGINEER_KEY}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('channel,order_id,result,field,hub,old_system');
    expect(lines.filter((l) => l.includes(',differing,')).map((l) => l.split(',')[3])).toEqual(['carrier', 'holds', 'address', 'amounts.paid']);
    expect(lines).toHaveLength(1 + 3 + 4);

    // Customer service may not read it; a bad date is named.
    expect((await hub.app.request(`/api/shadow/compare?channel=${CHANNEL}&date=${date}`, { headers: { authorization: `Bearer ${CS_KEY}` } })).status).toBe(403);
    const bad = await hub.app.request(`/api/shadow/compare?channel=${CHANNEL}&date=6.12`, { headers: { authorization: `Bearer ${ENGINEER_KEY}` } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('date');

    // The same from the command line, as CSV into a file; exit 1 because orders differ.
    const cfg = path.join(exportDir, 'hub.yaml');
    const shop = dy.connectorConfig();
    // JSON is YAML: the hub's own connector and channel, its store's schema, the export path.
    const cliConfig = {
      database: { schema: hub.config.database.schema },
      connectors: [{ id: 'dy', adapter: 'douyin', config: { ...shop, appSecret: '${DY_SECRET}', accessToken: '${DY_TOKEN}' } }],
      channels: [{ id: CHANNEL, adapter: 'douyin', shop: '12345', connector: 'dy', mapping: 'douyin/order.v2', mode: 'shadow', poll: { enabled: false } }],
      shadow: { compare: { csvPath: path.join(exportDir, '{channel}-{date}.csv') } },
    };
    await writeFile(cfg, JSON.stringify(cliConfig));
    const err: string[] = [];
    const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
    const out = path.join(exportDir, 'report.csv');
    let code: number;
    try {
      code = await shadowCompareCommand({ config: cfg, channel: CHANNEL, date, format: 'csv', out }, { DATABASE_URL: inject('hubDatabaseUrl'), DY_SECRET: String(shop['appSecret']), DY_TOKEN: String(shop['accessToken']) });
    } finally {
      se.mockRestore();
    }
    expect(err[0]).toBe(`shadow ${CHANNEL}: 1 matched, 1 differing (carrier 1, holds 1, address 1, amounts.paid 1), 1 missing in hub, 1 missing in old system, 1 export row(s) rejected\n`);
    expect(code).toBe(1);
    expect((await readFile(out, 'utf8')).replace(/^\uFEFF/, '').trim().split('\n')).toEqual(lines);

    // The same outputs read from the old system's database over unixODBC + psqlODBC (a query aliasing its columns).
    const odb = await odbc.connect(inject('odbcConnectionString'));
    const table = `old_outputs_${suffix}`;
    try {
      await odb.query(`CREATE TABLE ${table} (channel varchar(32), day varchar(10), n integer, order_no varchar(32), carrier varchar(16), holds varchar(64), gifts varchar(64), wms varchar(64), province varchar(16), city varchar(16), district varchar(16), street varchar(32), detail varchar(64), goods varchar(16), freight varchar(16), discount varchar(16), paid varchar(16))`);
      let n = 0;
      for (const r of rows) {
        await odb.query(`INSERT INTO ${table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [CHANNEL, date, ++n, ...[r.平台订单号, r.物流公司, r.挂起原因, r.赠品, r.仓库指令, r.省, r.市, r.区, r.街道, r.详细地址, r.商品金额, r.运费, r.优惠金额, r.实付金额].map((v) => v ?? '')]);
      }
      const query = `SELECT order_no AS "平台订单号", carrier AS "物流公司", holds AS "挂起原因", gifts AS "赠品", wms AS "仓库指令", province AS "省", city AS "市", district AS "区", street AS "街道", detail AS "详细地址", goods AS "商品金额", freight AS "运费", discount AS "优惠金额", paid AS "实付金额" FROM ${table} WHERE channel = ? AND day = ? ORDER BY n`;
      if (!hub.orders) throw new Error('the test hub has no order store');
      const viaOdbc = await compareDay({ store: hub.orders.db, engine: hub.mappings }, { channel: CHANNEL, currency: 'CNY', date, utcOffset: '+08:00', source: { odbc: { connectionString: inject('odbcConnectionString'), query } }, mapping: 'shadow/legacy-outcome.v1' });
      expect(viaOdbc.source).toBe('odbc');
      expect(viaOdbc.totals).toEqual(report.totals);
      expect(viaOdbc.orders).toEqual(report.orders);
      // Rows are counted from 1 (no header row), so the bad one is the fourth.
      expect(viaOdbc.rejects).toEqual([{ row: 4, field: '实付金额', reason: '"12.345" is not an amount in yuan with at most two decimals' }]);
    } finally {
      await odb.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await odb.close();
    }

    // The daily summary's line for the channel.
    if (!hub.orders) throw new Error('the test hub has no order store');
    const line = await dailyShadowSummary({ store: hub.orders.db, engine: hub.mappings, channels: hub.config.channels, config: hub.config.shadow })(date);
    expect(line).toEqual([`shadow ${CHANNEL}: 1 matched, 1 differing (carrier 1, holds 1, address 1, amounts.paid 1), 1 missing in hub, 1 missing in old system, 1 export row(s) rejected`]);
  });

  it('records every write of an order through its lifecycle and calls no real system; reads still happen; switching to live repeats and loses nothing', async () => {
    const reads = dy.log.count('order.orderDetail');
    const a = await placeAndPush('SHADOW-SKU-1');
    const pushed = await waitFor(a.key, 'pushed_to_wms');
    expect(dy.log.count('order.orderDetail')).toBeGreaterThan(reads);
    expect(pushed.waybillNo).toMatch(/^SHADOW-[0-9A-F]{12}$/);
    expect(ewaybillsOf(a.id)).toEqual([]);
    expect(wdt.state().trades.list.filter((t) => t.tid === a.id)).toEqual([]);

    const writes = await recorder().list({ workflowId: `order:${a.key}` });
    expect(writes.map((w) => [w.capability, w.connector])).toEqual([
      ['waybill.create', 'dy-ewb'],
      ['wms.order.push', 'wdt'],
    ]);
    // The requests as the adapter would have been given them: the WMS trade through the channel's
    // outbound mapping (platform e-waybill), the receiver as the platform sent it (ciphertext).
    expect(writes[1]?.request).toMatchObject({ order: { address: { detail: { ciphertext: '##SbxDetail01==#1##' } }, sellerMemo: expect.stringContaining(String(pushed.waybillNo)) }, platformWaybill: { platform: 'douyin', waybillNo: pushed.waybillNo } });
    expect(writes[0]?.answer).toEqual({ shadow: true, waybillNo: pushed.waybillNo, orderId: `order:${a.key}:waybill-1` });

    // The switch: the same queue and store, the channel now live.
    const same = { prefix: hub.prefix, taskQueue: hub.taskQueue };
    await hub.stop();
    hub = await hubWith('live', same);

    // The order received in shadow finishes in shadow: its confirmation is recorded, Douyin hears nothing.
    await pickUp(a.key, String(pushed.waybillNo));
    await waitFor(a.key, 'in_transit');
    const aWrites = async () => (await recorder().list({ workflowId: `order:${a.key}` })).map((w) => w.capability);
    for (let i = 0; i < 100 && !(await aWrites()).includes('shipment.confirm'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await aWrites()).toEqual(['waybill.create', 'wms.order.push', 'shipment.confirm']);
    expect(dy.state().shipments.filter((s) => s.orderId === a.id)).toEqual([]);

    // A new order goes live: a real e-waybill at Douyin, a real trade at Wangdiantong, nothing recorded.
    const b = await placeAndPush('SHADOW-SKU-2');
    const live = await waitFor(b.key, 'pushed_to_wms');
    expect(live.waybillNo).not.toMatch(/^SHADOW-/);
    expect(ewaybillsOf(b.id).map((w) => w.waybillNo)).toEqual([live.waybillNo]);
    expect(wdt.state().trades.list.filter((t) => t.tid === b.id)).toHaveLength(1);
    expect(await recorder().list({ workflowId: `order:${b.key}` })).toEqual([]);
    // Nothing of the shadow order was sent after the switch either.
    expect(ewaybillsOf(a.id)).toEqual([]);
    expect(wdt.state().trades.list.filter((t) => t.tid === a.id)).toEqual([]);
  });
});
