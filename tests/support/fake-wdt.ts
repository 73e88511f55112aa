import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';

/**
 * A real Wangdiantong gateway on 127.0.0.1 for integration tests, either edition:
 * - enterprise: form POSTs to `/openapi2/{trade_push,stock_query,logistics_sync_query,logistics_sync_ack}.php`;
 * - ultimate: `POST /openapi?method=...` with a JSON array of positional args.
 *
 * It checks the signature with its own implementation of the documented algorithms (deliberately
 * not importing the adapter's sign.ts, so a shared mistake cannot pass), the timestamp window
 * (enterprise 5 min, ultimate 120 s), and keeps trades by tid like a real WMS: a repeated push
 * of the same tid updates the trade (chg_count 1), it never creates a second one.
 *
 * Codes the fake answers where WDT's exact code is unknown are named in FAKE_WDT_CODE.
 */
export const FAKE_WDT_CODE = {
  OK: 0,
  /** Ultimate documents 1 "验证失败"; the enterprise code for a bad sign is not public. */
  BAD_SIGN: 1,
  BAD_PARAMS: 2,
  /** Ultimate documents 7 "时间戳错误". */
  BAD_TIMESTAMP: 7,
  APP_ERROR: 100,
} as const;

/** down: HTTP 503; gateway_timeout: HTTP 504 from the gateway in front (the seeds' incident); slow: holds answers. */
export type FakeWdtMode = 'ok' | 'down' | 'gateway_timeout' | 'slow';
export type FakeWdtEdition = 'enterprise' | 'ultimate';

export interface FakeWdtOptions {
  sid: string;
  appkey: string;
  /** Enterprise: the appsecret; ultimate: "secret:salt". */
  appsecret: string;
  edition: FakeWdtEdition;
  /** How the enterprise sign counts lengths (default characters, like the vendor PHP SDK). */
  signLength?: 'chars' | 'bytes';
  /** How long 'slow' mode holds each answer (default 5 s). */
  slowMs?: number;
}

export interface FakeWdtRequest {
  edition: FakeWdtEdition;
  /** The file (`trade_push.php`) or method (`sales.RawTrade.pushSelf`). */
  api: string;
  /** Business params: enterprise form fields with JSON fields decoded; ultimate the positional args. */
  params: unknown;
  signOk: boolean;
  /** What the fake answered: the WMS code, or `HTTP <status>`. */
  answer: string;
}

export interface FakeWdtTrade {
  tid: string;
  shopNo: string;
  /** The latest trade as pushed (enterprise: the trade_list element; ultimate: the rawTradeList element). */
  trade: Record<string, unknown>;
  lines: Record<string, unknown>[];
  /** The latest trade_status (30 to ship, 80 refunded = intercepted, 90 closed). */
  status: number;
  pushes: number;
}

export interface FakeWdtShipment {
  tid: string;
  logisticsNo: string;
  logisticsCode: string;
  logisticsName?: string;
}

export interface FakeWdtSync extends FakeWdtShipment {
  syncId: string;
  state: 'pending' | 'synced' | 'failed';
  acks: number;
}

export interface FakeWdt {
  /** The `baseUrl` to configure: `.../openapi2` (enterprise) or `.../openapi` (ultimate). */
  url: string;
  requests: FakeWdtRequest[];
  trades: Map<string, FakeWdtTrade>;
  syncs: Map<string, FakeWdtSync>;
  setStock(specNo: string, qty: number, warehouseNo?: string): void;
  /** Adds a shipment to the sync-back pool; returns its sync id. */
  queueShipment(s: FakeWdtShipment): string;
  setMode(mode: FakeWdtMode): void;
  close(): Promise<void>;
}

const ULTIMATE_EPOCH_S = 1_325_347_200;
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

function enterpriseSign(params: Record<string, string>, secret: string, mode: 'chars' | 'bytes'): string {
  const len = (s: string) => (mode === 'bytes' ? Buffer.byteLength(s) : Array.from(s).length);
  const keys = Object.keys(params).filter((k) => k !== 'sign');
  keys.sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = params[k] ?? '';
    parts.push(`${String(len(k)).padStart(2, '0')}-${k}:${String(len(v)).padStart(4, '0')}-${v}`);
  }
  return md5(parts.join(';') + secret);
}

function ultimateSign(params: Record<string, string>, secret: string): string {
  const keys = Object.keys(params).filter((k) => k !== 'sign');
  keys.sort();
  let s = secret;
  for (const k of keys) s += k + (params[k] ?? '');
  return md5(s + secret);
}

const Obj = z.record(z.string(), z.unknown());
const EnterpriseTrade = z.object({ tid: z.string().min(1), trade_status: z.number(), order_list: z.array(Obj.and(z.object({ oid: z.string().min(1), spec_no: z.string().min(1) }))).min(1) }).passthrough();
const UltimatePush = z.tuple([z.string(), z.array(Obj.and(z.object({ tid: z.string().min(1), trade_status: z.number() }))).min(1), z.array(Obj.and(z.object({ tid: z.string(), oid: z.string().min(1), spec_no: z.string().min(1) }))).min(1)]);
const EnterpriseAck = z.array(z.object({ rec_id: z.union([z.string(), z.number()]).transform(String), status: z.number(), message: z.string().optional() }));
const UltimateAck = z.tuple([z.array(z.object({ sync_id: z.union([z.string(), z.number()]).transform(String), status: z.number(), error_msg: z.string().optional() }))]);
const UltimateStock = z.tuple([z.object({ spec_nos: z.array(z.string()).optional(), warehouse_no: z.string().optional() }).passthrough()]);

/** Enterprise rec_ids beyond 2^53, written unquoted on the wire like WDT does, so clients must parse them exactly. */
const BIG_ID_BASE = 2_778_958_909_363_191_820n;
const RAW = '__fake_wdt_raw__';

class Reply {
  constructor(
    readonly code: number,
    readonly body: Record<string, unknown>,
  ) {}
}

export async function startFakeWdt(opts: FakeWdtOptions): Promise<FakeWdt> {
  const requests: FakeWdtRequest[] = [];
  const trades = new Map<string, FakeWdtTrade>();
  const syncs = new Map<string, FakeWdtSync>();
  const stock = new Map<string, Map<string, number>>();
  const signLength = opts.signLength ?? 'chars';
  let mode: FakeWdtMode = 'ok';
  let nextSync = 0;
  const colon = opts.appsecret.indexOf(':');
  const ultimateSecret = colon < 0 ? opts.appsecret : opts.appsecret.slice(0, colon);
  const ultimateSalt = colon < 0 ? '' : opts.appsecret.slice(colon + 1);

  const upsert = (shopNo: string, tid: string, trade: Record<string, unknown>, lines: Record<string, unknown>[], status: number): 'new' | 'chg' => {
    const prev = trades.get(tid);
    trades.set(tid, { tid, shopNo, trade, lines, status, pushes: (prev?.pushes ?? 0) + 1 });
    return prev ? 'chg' : 'new';
  };

  const stockRows = (specNos: readonly string[], warehouse: string | undefined) => {
    const rows: Record<string, unknown>[] = [];
    for (const spec of specNos) {
      for (const [wh, qty] of stock.get(spec) ?? new Map<string, number>()) {
        if (warehouse && wh !== warehouse) continue;
        rows.push({ spec_no: spec, warehouse_no: wh, stock_num: `${qty}.0000`, available_send_stock: `${qty}.0000`, defect: 0 });
      }
    }
    return rows;
  };

  const pending = (limit: number) => [...syncs.values()].filter((s) => s.state === 'pending').slice(0, limit);

  const settle = (syncId: string, state: FakeWdtSync['state'] | 'keep'): boolean => {
    const s = syncs.get(syncId);
    if (!s) return false;
    s.acks++;
    if (state !== 'keep') s.state = state;
    return true;
  };

  function enterprise(file: string, p: Record<string, string>): Reply {
    const decode = (k: string): unknown => JSON.parse(p[k] ?? 'null');
    switch (file) {
      case 'trade_push.php': {
        const list = z.array(EnterpriseTrade).safeParse(decode('trade_list'));
        if (!list.success || !p['shop_no']) return new Reply(FAKE_WDT_CODE.BAD_PARAMS, { message: 'trade_list or shop_no invalid' });
        let n = 0;
        let c = 0;
        for (const t of list.data) {
          const { order_list, ...head } = t;
          if (upsert(p['shop_no'], t.tid, head, order_list, t.trade_status) === 'new') n++;
          else c++;
        }
        return new Reply(0, { message: '', new_count: n, chg_count: c });
      }
      case 'stock_query.php': {
        const spec = p['spec_no'];
        if (!spec) return new Reply(FAKE_WDT_CODE.APP_ERROR, { message: '参数中必须包含起止时间' });
        const rows = stockRows([spec], p['warehouse_no']);
        return new Reply(0, { message: '', total_count: rows.length, stocks: rows });
      }
      case 'logistics_sync_query.php': {
        const rows = pending(Number(p['limit'] ?? '100')).map((s) => ({ rec_id: RAW + s.syncId, shop_no: p['shop_no'] ?? '', tid: s.tid, logistics_no: s.logisticsNo, logistics_type: s.logisticsCode, logistics_name: s.logisticsName ?? '', oids: '', is_part_sync: 0, sync_status: 0 }));
        return new Reply(0, { message: '', total_count: rows.length, trades: rows });
      }
      case 'logistics_sync_ack.php': {
        const list = EnterpriseAck.safeParse(decode('logistics_list'));
        if (!list.success) return new Reply(FAKE_WDT_CODE.BAD_PARAMS, { message: 'logistics_list invalid' });
        const errors = list.data.filter((a) => !settle(a.rec_id, a.status === 0 ? 'synced' : 'failed')).map((a) => ({ rec_id: a.rec_id, error: `同步表不存在,packId:${a.rec_id}` }));
        return new Reply(0, { message: '', errors });
      }
      default:
        return new Reply(FAKE_WDT_CODE.APP_ERROR, { message: `unknown api ${file}` });
    }
  }

  function ultimate(method: string, args: unknown, q: URLSearchParams): Reply {
    switch (method) {
      case 'sales.RawTrade.pushSelf': {
        const a = UltimatePush.safeParse(args);
        if (!a.success) return new Reply(FAKE_WDT_CODE.APP_ERROR, { message: 'invalid argument count' });
        const [shopNo, list, lines] = a.data;
        let n = 0;
        let c = 0;
        for (const t of list) {
          if (upsert(shopNo, t.tid, t, lines.filter((l) => l.tid === t.tid), t.trade_status) === 'new') n++;
          else c++;
        }
        return new Reply(0, { data: { new_count: n, chg_count: c } });
      }
      case 'wms.StockSpec.search': {
        const a = UltimateStock.safeParse(args);
        if (!a.success) return new Reply(FAKE_WDT_CODE.APP_ERROR, { message: 'invalid argument count' });
        const rows = stockRows(a.data[0].spec_nos ?? [], a.data[0].warehouse_no);
        return new Reply(0, { total: rows.length, data: rows });
      }
      case 'sales.LogisticsSync.getSyncListExt': {
        const rows = pending(Number(q.get('page_size') ?? '100')).map((s) => ({ sync_id: Number(s.syncId), tid: s.tid, logistics_no: s.logisticsNo, logistics_code: s.logisticsCode, logistics_name: s.logisticsName ?? '', is_part_sync: 0, oids: '' }));
        return new Reply(0, { total: rows.length, data: rows });
      }
      case 'sales.LogisticsSync.update': {
        const a = UltimateAck.safeParse(args);
        if (!a.success) return new Reply(FAKE_WDT_CODE.APP_ERROR, { message: 'invalid argument count' });
        const data = a.data[0].filter((x) => !settle(x.sync_id, x.status === 0 ? 'synced' : x.status === 2 ? 'failed' : 'keep')).map((x) => `sync_id ${x.sync_id} 不存在`);
        return new Reply(0, { data });
      }
      default:
        return new Reply(FAKE_WDT_CODE.APP_ERROR, { message: `The API used internal only: ${method}` });
    }
  }

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8') => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };

  const serialize = (edition: FakeWdtEdition, r: Reply) => {
    const env = edition === 'enterprise' ? { code: r.code, ...r.body } : { status: r.code, ...r.body };
    return JSON.stringify(env).replace(new RegExp(`"${RAW}(\\d+)"`, 'g'), '$1');
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const nowS = Math.floor(Date.now() / 1000);
    let rec: FakeWdtRequest;
    // Deferred so a 'down' gateway changes nothing and a 'slow' one applies the call only when it answers.
    let reply: () => Reply;
    if (opts.edition === 'enterprise') {
      const file = url.pathname.replace(/^\/openapi2\//, '');
      const form = Object.fromEntries(new URLSearchParams(raw));
      const signOk = form['sid'] === opts.sid && form['appkey'] === opts.appkey && form['sign'] === enterpriseSign(form, opts.appsecret, signLength);
      const business: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(form)) {
        if (k === 'sid' || k === 'appkey' || k === 'timestamp' || k === 'sign') continue;
        business[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
      }
      rec = { edition: 'enterprise', api: file, params: business, signOk, answer: '' };
      if (!signOk) reply = () => new Reply(FAKE_WDT_CODE.BAD_SIGN, { message: 'sign error' });
      else if (Math.abs(nowS - Number(form['timestamp'])) > 300) reply = () => new Reply(FAKE_WDT_CODE.BAD_TIMESTAMP, { message: 'timestamp error' });
      else reply = () => enterprise(file, form);
    } else {
      const q = url.searchParams;
      const method = q.get('method') ?? '';
      const signed: Record<string, string> = Object.fromEntries(q);
      signed['body'] = raw;
      const signOk = url.pathname === '/openapi' && q.get('sid') === opts.sid && q.get('key') === opts.appkey && q.get('salt') === ultimateSalt && q.get('sign') === ultimateSign(signed, ultimateSecret);
      let args: unknown = null;
      try {
        args = JSON.parse(raw);
      } catch {
        args = null;
      }
      rec = { edition: 'ultimate', api: method, params: args, signOk, answer: '' };
      if (!signOk) reply = () => new Reply(FAKE_WDT_CODE.BAD_SIGN, { message: '验证失败' });
      else if (Math.abs(nowS - (Number(q.get('timestamp')) + ULTIMATE_EPOCH_S)) > 120) reply = () => new Reply(FAKE_WDT_CODE.BAD_TIMESTAMP, { message: '时间戳错误' });
      else reply = () => ultimate(method, args, q);
    }
    requests.push(rec);
    if (mode === 'down' || mode === 'gateway_timeout') {
      const status = mode === 'down' ? 503 : 504;
      rec.answer = `HTTP ${status}`;
      send(res, status, mode === 'down' ? 'Service Unavailable' : 'Gateway Time-out', 'text/plain');
      return;
    }
    if (mode === 'slow') await new Promise((r) => setTimeout(r, opts.slowMs ?? 5_000));
    // Applied even when the client has given up meanwhile: the WMS did the work and only the answer
    // was lost, which is exactly the case a retry must not turn into a second trade.
    const r = reply();
    rec.answer = res.destroyed || req.socket.destroyed ? `${r.code} (client gone)` : String(r.code);
    send(res, 200, serialize(opts.edition, r));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, String(err), 'text/plain'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}${opts.edition === 'enterprise' ? '/openapi2' : '/openapi'}`,
    requests,
    trades,
    syncs,
    setStock(specNo, qty, warehouseNo = 'WH1') {
      const m = stock.get(specNo) ?? new Map<string, number>();
      m.set(warehouseNo, qty);
      stock.set(specNo, m);
    },
    queueShipment(s) {
      const n = nextSync++;
      const syncId = opts.edition === 'enterprise' ? String(BIG_ID_BASE + BigInt(n)) : String(152_650 + n);
      syncs.set(syncId, { ...s, syncId, state: 'pending', acks: 0 });
      return syncId;
    },
    setMode(m) {
      mode = m;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
