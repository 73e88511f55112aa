import { z } from 'zod';
import { SandboxLog, startSandboxServer, type SandboxDefinition, type SandboxRequest, type SandboxResponse, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { signatureFaultGate } from '../../src/sandbox/signature-fault.js';
import { WDT_EDITION, type SignLength, type WdtEdition } from './config.js';
import { parseQuantity } from './format.js';
import { signEnterprise, signUltimate, ULTIMATE_EPOCH_S } from './sign.js';
import { SYNC_STATE, WdtWarehouse, type ShipmentDetails, type WdtSandboxState, type WdtSandboxSync, type WdtSandboxTrade } from './sandbox-warehouse.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { sampleOrder } from './testing.js';
import { ADAPTER_ID } from './transport.js';
import { wdtReturns, type WdtReturnInput } from './sandbox-returns.js';

/**
 * A Wangdiantong WMS on 127.0.0.1 serving both editions at once over one store of trades:
 * enterprise form POSTs to `/openapi2/{trade_push,stock_query,logistics_sync_query,logistics_sync_ack}.php`
 * and ultimate `POST /openapi?method=...` with positional JSON args. Signatures and timestamp
 * windows are checked (the adapter's sign.ts is reused: sign.test.ts pins it to WDT's published
 * vectors). Trades are kept by tid like the WMS does: a re-push updates, a re-push as refunded or
 * closed (the adapter's intercept) marks the trade intercepted, and the warehouse ships a live
 * trade by hand (`ship`) or after `autoShipMs`, queueing it for the logistics sync-back loop.
 */
export const WDT_SANDBOX_CODE = {
  OK: 0,
  /** Ultimate documents 1 "验证失败"; the enterprise code for a bad sign is not public (1 here too). */
  BAD_SIGN: 1,
  BAD_PARAMS: 2,
  /** Ultimate documents 7 "时间戳错误". */
  BAD_TIMESTAMP: 7,
  APP_ERROR: 100,
} as const;

/** Timestamp windows: enterprise 5 minutes (vendor SDK note), ultimate 120 s (documented). */
const SKEW_S = { enterprise: 300, ultimate: 120 } as const;
export const WDT_SANDBOX_PATHS = { enterprise: '/openapi2', ultimate: '/openapi' } as const;
export const WDT_SANDBOX_DEFAULTS = { sid: 'zs_sandbox', appkey: 'zs-sandbox-key', appsecret: 'sandbox-wdt-secret', salt: 'sandbox-salt', shopNo: 'zs_shop', warehouseNo: 'WH1' } as const;

export { SYNC_STATE, WDT_TRADE_STATE, type WdtSandboxState, type WdtSandboxSync, type WdtSandboxTrade } from './sandbox-warehouse.js';

export interface WdtSandboxOptions extends SandboxStartOptions {
  sid?: string;
  appkey?: string;
  /** Enterprise appsecret; the ultimate edition signs with it too and sends `salt`. */
  appsecret?: string;
  salt?: string;
  shopNo?: string;
  warehouseNo?: string;
  signLength?: SignLength;
  /** The edition connectorConfig() points at when not told (default enterprise). */
  edition?: WdtEdition;
  /** When set, the warehouse ships each live trade this long after its first push. */
  autoShipMs?: number | null;
}

export interface WdtSandbox extends SandboxSystem {
  connectorConfig(edition?: WdtEdition): Record<string, unknown>;
  setStock(specNo: string, qty: number, warehouseNo?: string): void;
  /** The warehouse ships a live trade: stock goes down, the shipment waits in the sync-back pool. Returns the sync id. */
  ship(tid: string, logistics?: ShipmentDetails): WdtSandboxSync;
  /** The next business call of this api (file or method; any when omitted) answers with this code and message. */
  failNext(code: number, message: string, api?: string): void;
  /** A parcel comes back and the warehouse books it in (退货入库, completed); stockin_order_query_refund.php (enterprise) and wms.stockin.Refund.queryWithDetail (ultimate) list it. */
  receiveReturn(input: WdtReturnInput): { orderNo: string; refundNo: string };
  /** One trade as the warehouse holds it, or undefined before its first push. */
  trade(tid: string): WdtSandboxTrade | undefined;
  state(): WdtSandboxState;
}

const Qty = z.union([z.number(), z.string()]).transform((v, ctx) => {
  try {
    return parseQuantity(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a quantity' });
    return z.NEVER;
  }
});
const Line = z.object({ oid: z.string().min(1), spec_no: z.string().min(1), num: Qty }).passthrough();
const EnterpriseTrade = z.object({ tid: z.string().min(1), trade_status: z.number().int(), order_list: z.array(Line).min(1) }).passthrough();
const UltimatePush = z.tuple([z.string().min(1), z.array(z.object({ tid: z.string().min(1), trade_status: z.number().int() }).passthrough()).min(1), z.array(Line.extend({ tid: z.string() })).min(1)]);
const Id = z.union([z.string(), z.number()]).transform(String);
const EnterpriseAck = z.array(z.object({ rec_id: Id, status: z.number().int(), message: z.string().optional() }));
const UltimateAck = z.tuple([z.array(z.object({ sync_id: Id, status: z.number().int(), error_msg: z.string().optional() }))]);
const UltimateStock = z.tuple([z.object({ spec_nos: z.array(z.string()).min(1), warehouse_no: z.string().optional() }).passthrough()]);
const firstIssue = (e: z.ZodError) => `${e.issues[0]?.path.join('.') || '(root)'}: ${e.issues[0]?.message ?? ''}`;

/** Marks an id to be written as a bare number (WDT sends big ids unquoted). */
const RAW_MARK = '__wdt_sandbox_raw__';

class Reply {
  constructor(
    readonly code: number,
    readonly body: Record<string, unknown>,
  ) {}
}

async function start(opts: WdtSandboxOptions = {}): Promise<WdtSandbox> {
  const clock = opts.clock ?? (() => new Date());
  const sid = opts.sid ?? WDT_SANDBOX_DEFAULTS.sid;
  const appkey = opts.appkey ?? WDT_SANDBOX_DEFAULTS.appkey;
  const appsecret = opts.appsecret ?? WDT_SANDBOX_DEFAULTS.appsecret;
  const salt = opts.salt ?? WDT_SANDBOX_DEFAULTS.salt;
  const shopNo = opts.shopNo ?? WDT_SANDBOX_DEFAULTS.shopNo;
  const warehouseNo = opts.warehouseNo ?? WDT_SANDBOX_DEFAULTS.warehouseNo;
  const signLength = opts.signLength ?? 'chars';
  const log = new SandboxLog(ADAPTER_ID, clock);
  const wh = new WdtWarehouse(log, warehouseNo, opts.autoShipMs ?? null);
  const returns = wdtReturns({ log, clock });
  const scripted: { code: number; message: string; api: string | undefined }[] = [];
  const lines = (list: readonly z.output<typeof Line>[]) => list.map((l) => ({ oid: l.oid, specNo: l.spec_no, num: l.num }));

  function enterprise(file: string, p: Record<string, string>): Reply {
    const decode = (k: string): unknown => {
      try {
        return JSON.parse(p[k] ?? 'null');
      } catch {
        return undefined;
      }
    };
    switch (file) {
      case 'trade_push.php': {
        if (!p['shop_no']) return new Reply(WDT_SANDBOX_CODE.BAD_PARAMS, { message: 'shop_no 不能为空' });
        const list = z.array(EnterpriseTrade).min(1).safeParse(decode('trade_list'));
        if (!list.success) return new Reply(WDT_SANDBOX_CODE.BAD_PARAMS, { message: `trade_list 不合法: ${firstIssue(list.error)}` });
        let n = 0;
        let chg = 0;
        for (const t of list.data) {
          const { order_list, ...head } = t;
          if (wh.upsert(WDT_EDITION.ENTERPRISE, p['shop_no'], t.tid, t.trade_status, head, lines(order_list)) === 'new') n++;
          else chg++;
        }
        return new Reply(0, { message: '', new_count: n, chg_count: chg });
      }
      case 'stock_query.php': {
        const spec = p['spec_no'];
        if (!spec) return new Reply(WDT_SANDBOX_CODE.BAD_PARAMS, { message: 'spec_no 不能为空' });
        const page = Number(p['page_no'] ?? '0');
        const size = Number(p['page_size'] ?? '100');
        const rows = wh.stockRows([spec], p['warehouse_no']);
        log.record('stock.query', spec, { edition: WDT_EDITION.ENTERPRISE, rows: rows.length });
        return new Reply(0, { message: '', total_count: rows.length, stocks: rows.slice(page * size, (page + 1) * size) });
      }
      case 'logistics_sync_query.php': {
        const rows = wh.pending(Number(p['limit'] ?? '100')).map((s) => ({ rec_id: RAW_MARK + s.syncId, shop_no: p['shop_no'] ?? '', tid: s.tid, logistics_no: s.logisticsNo, logistics_type: s.logisticsCode, logistics_name: s.logisticsName, oids: '', is_part_sync: 0, sync_status: 0 }));
        return new Reply(0, { message: '', total_count: rows.length, trades: rows });
      }
      case 'logistics_sync_ack.php': {
        const list = EnterpriseAck.safeParse(decode('logistics_list'));
        if (!list.success) return new Reply(WDT_SANDBOX_CODE.BAD_PARAMS, { message: `logistics_list 不合法: ${firstIssue(list.error)}` });
        const errors = list.data.filter((a) => !wh.settle(a.rec_id, a.status === 0 ? SYNC_STATE.SYNCED : SYNC_STATE.FAILED)).map((a) => ({ rec_id: a.rec_id, error: `同步表不存在,packId:${a.rec_id}` }));
        return new Reply(0, { message: '', errors });
      }
      case 'stockin_order_query_refund.php': {
        const r = returns.query(p);
        return 'error' in r ? new Reply(WDT_SANDBOX_CODE.BAD_PARAMS, { message: r.error }) : new Reply(0, r.body);
      }
      default:
        return new Reply(WDT_SANDBOX_CODE.APP_ERROR, { message: `接口不存在: ${file}` });
    }
  }

  function ultimate(method: string, args: unknown, q: URLSearchParams): Reply {
    switch (method) {
      case 'sales.RawTrade.pushSelf': {
        const a = UltimatePush.safeParse(args);
        if (!a.success) return new Reply(WDT_SANDBOX_CODE.APP_ERROR, { message: `参数错误: ${firstIssue(a.error)}` });
        const [shop, list, orderLines] = a.data;
        let n = 0;
        let chg = 0;
        for (const t of list) {
          if (wh.upsert(WDT_EDITION.ULTIMATE, shop, t.tid, t.trade_status, t, lines(orderLines.filter((l) => l.tid === t.tid))) === 'new') n++;
          else chg++;
        }
        return new Reply(0, { data: { new_count: n, chg_count: chg } });
      }
      case 'wms.StockSpec.search': {
        const a = UltimateStock.safeParse(args);
        if (!a.success) return new Reply(WDT_SANDBOX_CODE.APP_ERROR, { message: `参数错误: ${firstIssue(a.error)}` });
        const rows = wh.stockRows(a.data[0].spec_nos, a.data[0].warehouse_no);
        const page = Number(q.get('page_no') ?? '0');
        const size = Number(q.get('page_size') ?? '1000');
        log.record('stock.query', a.data[0].spec_nos.join(','), { edition: WDT_EDITION.ULTIMATE, rows: rows.length });
        return new Reply(0, { total: rows.length, data: rows.slice(page * size, (page + 1) * size) });
      }
      case 'wms.stockin.Refund.queryWithDetail': {
        const r = returns.queryUltimate(args, q);
        return 'error' in r ? new Reply(WDT_SANDBOX_CODE.APP_ERROR, { message: r.error }) : new Reply(0, r.body);
      }
      case 'sales.LogisticsSync.getSyncListExt': {
        const rows = wh.pending(Number(q.get('page_size') ?? '100')).map((s) => ({ sync_id: RAW_MARK + s.syncId, tid: s.tid, logistics_no: s.logisticsNo, logistics_code: s.logisticsCode, logistics_name: s.logisticsName, is_part_sync: 0, oids: '' }));
        return new Reply(0, { total: rows.length, data: rows });
      }
      case 'sales.LogisticsSync.update': {
        const a = UltimateAck.safeParse(args);
        if (!a.success) return new Reply(WDT_SANDBOX_CODE.APP_ERROR, { message: `参数错误: ${firstIssue(a.error)}` });
        const data = a.data[0].filter((x) => !wh.settle(x.sync_id, x.status === 0 ? SYNC_STATE.SYNCED : x.status === 2 ? SYNC_STATE.FAILED : 'keep')).map((x) => `sync_id ${x.sync_id} 不存在`);
        return new Reply(0, { data });
      }
      default:
        return new Reply(WDT_SANDBOX_CODE.APP_ERROR, { message: `The API used internal only: ${method}` });
    }
  }

  const scriptedFor = (api: string): Reply | null => {
    const i = scripted.findIndex((s) => s.api === undefined || s.api === api);
    const s = i >= 0 ? scripted.splice(i, 1)[0] : undefined;
    return s ? new Reply(s.code, { message: s.message }) : null;
  };

  function answer(edition: WdtEdition, api: string, r: Reply): SandboxResponse {
    if (r.code !== 0) log.record('request.rejected', api, { edition, code: r.code, message: r.body['message'] });
    const env = edition === WDT_EDITION.ENTERPRISE ? { code: r.code, ...r.body } : { status: r.code, ...r.body };
    // Written as text so big ids go out as bare numbers, as WDT sends them.
    const text = JSON.stringify(env).replace(new RegExp(`"${RAW_MARK}(\\d+)"`, 'g'), '$1');
    return { headers: { 'content-type': 'application/json; charset=utf-8' }, body: text };
  }

  const nowS = () => Math.floor(clock().getTime() / 1000);

  function handle(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return { status: 405, body: 'method not allowed' };
    if (req.path.startsWith(`${WDT_SANDBOX_PATHS.enterprise}/`)) {
      const file = req.path.slice(WDT_SANDBOX_PATHS.enterprise.length + 1);
      const form = Object.fromEntries(new URLSearchParams(req.text));
      const forced = gate.badSignature();
      if (forced || form['sid'] !== sid || form['appkey'] !== appkey || form['sign'] !== signEnterprise(form, appsecret, signLength)) return answer(WDT_EDITION.ENTERPRISE, file, new Reply(WDT_SANDBOX_CODE.BAD_SIGN, { message: 'sign error' }));
      if (!(Math.abs(nowS() - Number(form['timestamp'])) <= SKEW_S.enterprise)) return answer(WDT_EDITION.ENTERPRISE, file, new Reply(WDT_SANDBOX_CODE.BAD_TIMESTAMP, { message: 'timestamp error' }));
      return answer(WDT_EDITION.ENTERPRISE, file, scriptedFor(file) ?? enterprise(file, form));
    }
    if (req.path === WDT_SANDBOX_PATHS.ultimate) {
      const q = req.query;
      const method = q.get('method') ?? '';
      const signed: Record<string, string> = { ...Object.fromEntries(q), body: req.text };
      const forced = gate.badSignature();
      if (forced || q.get('sid') !== sid || q.get('key') !== appkey || q.get('salt') !== salt || q.get('sign') !== signUltimate(signed, appsecret)) return answer(WDT_EDITION.ULTIMATE, method, new Reply(WDT_SANDBOX_CODE.BAD_SIGN, { message: '验证失败' }));
      if (!(Math.abs(nowS() - (Number(q.get('timestamp')) + ULTIMATE_EPOCH_S)) <= SKEW_S.ultimate)) return answer(WDT_EDITION.ULTIMATE, method, new Reply(WDT_SANDBOX_CODE.BAD_TIMESTAMP, { message: '时间戳错误' }));
      let args: unknown;
      try {
        args = JSON.parse(req.text);
      } catch {
        return answer(WDT_EDITION.ULTIMATE, method, new Reply(WDT_SANDBOX_CODE.APP_ERROR, { message: 'body 不是合法的JSON' }));
      }
      return answer(WDT_EDITION.ULTIMATE, method, scriptedFor(method) ?? ultimate(method, args, q));
    }
    return { status: 404, body: 'not found' };
  }

  const gate = signatureFaultGate(await startSandboxServer({ port: opts.port, handler: handle }));
  const server = gate.server;

  return {
    adapter: ADAPTER_ID,
    server,
    log,
    connectorConfig(edition = opts.edition ?? WDT_EDITION.ENTERPRISE) {
      return {
        edition,
        baseUrl: `${server.url}${WDT_SANDBOX_PATHS[edition]}`,
        sid,
        appkey,
        appsecret: edition === WDT_EDITION.ULTIMATE ? `${appsecret}:${salt}` : appsecret,
        shopNo,
        warehouseNo,
        signLength,
      };
    },
    setStock: (specNo, qty, warehouse) => wh.setStock(specNo, qty, warehouse),
    ship: (tid, d) => wh.ship(tid, d),
    failNext(code, message, api) {
      scripted.push({ code, message, api });
    },
    receiveReturn: (input) => returns.receive(input),
    trade: (tid) => wh.trade(tid),
    state: () => wh.state(),
    async close() {
      wh.close();
      await server.close();
    },
  };
}

// `satisfies` keeps start()'s own options visible to callers (routePushToken, delays...) while checking the shape.
export const sandbox = {
  adapter: ADAPTER_ID,
  start,
  /**
   * What the contract kit calls: an order pushed, its SKU's stock read (one request per SKU page),
   * the logistics queue read, the order intercepted, and a return booked in ten minutes ago listed.
   */
  contract(system: WdtSandbox) {
    const order = sampleOrder();
    const tid = order.source.platformOrderId;
    const sku = 'ZP-2026-01';
    const now = Date.now();
    system.setStock(sku, 12);
    system.receiveReturn({ tid: 'CONTRACT-RETURN-1', lines: [{ oid: 'CONTRACT-RETURN-1-1', specNo: sku, num: 1 }], at: new Date(now - 10 * 60_000) });
    const trade = () => system.state().trades.list.find((t) => t.tid === tid);
    return [
      { capability: CAPABILITY.WMS_ORDER_PUSH, input: { order }, check: () => (trade() ? null : `the warehouse holds no trade ${tid}`) },
      { capability: CAPABILITY.STOCK_QUERY, input: { skus: [sku] }, check: (out: unknown) => (JSON.stringify(out).includes('"onHand":12') ? null : `stock.query answered ${JSON.stringify(out)}, not ${sku} 12`) },
      { capability: CAPABILITY.LOGISTICS_SYNC, input: { action: 'pending' }, check: (out: unknown) => (Array.isArray(out) ? null : 'logistics.sync pending did not answer a list') },
      { capability: CAPABILITY.WMS_ORDER_INTERCEPT, input: { order, reason: 'contract check' }, check: (out: unknown) => (JSON.stringify(out).includes('"tradeStatus":80') ? null : `the intercept answered ${JSON.stringify(out)}`) },
      {
        capability: CAPABILITY.WMS_RETURNS_RECEIVED,
        input: { window: { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() } },
        check: (out: unknown) => (JSON.stringify(out).includes('CONTRACT-RETURN-1') ? null : 'the return booked in the window was not listed'),
      },
    ];
  },
} satisfies SandboxDefinition<WdtSandbox>;
