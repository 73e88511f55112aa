import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { sfMsgDigest } from '../../adapters/sf-express/transport.js';

/**
 * A real SF `std/service` gateway on 127.0.0.1 for integration tests: form POST, msgDigest
 * checked with the same algorithm SF documents (the adapter's sfMsgDigest is reused here, and
 * pinned to independent vectors in adapters/sf-express/transport.test.ts), apiResultData sent
 * as a JSON string like SF does. It keeps orders in memory: a repeated create with the same
 * orderId returns the first waybill (or 8016 when `duplicate: 'error-8016'`), update/cancel
 * change that order, routes come from `addRoute`.
 *
 * Codes the fake uses where SF's exact code is unknown are named in FAKE_SF_CODE.
 */
export const FAKE_SF_CODE = {
  OK: 'S0000',
  BAD_DIGEST: 'A1006',
  NO_PERMISSION: 'A1004',
  MISSING_PARAMETER: 'A1001',
  BUSY: 'S0003',
  INVALID_INPUT: 'S0002',
  DUPLICATE_ORDER: '8016',
  ORDER_NOT_FOUND: '8018',
  ALREADY_CANCELLED: '8037',
} as const;

export type FakeSfMode = 'ok' | 'busy' | 'down' | 'slow';

export interface FakeSfRequest {
  serviceCode: string;
  partnerID: string;
  requestID: string;
  timestamp: string;
  digestOk: boolean;
  /** msgData parsed as JSON (null when it was not JSON). */
  msgData: unknown;
  /** What the fake answered: apiResultCode, or `HTTP <status>`. */
  answer: string;
}

export interface FakeSfOrder {
  orderId: string;
  waybillNo: string | null;
  filterResult: 1 | 2 | 3;
  cancelled: boolean;
  /** The latest receiver (create, then each address overwrite), exactly as sent. */
  receiver: unknown;
  updates: number;
}

export interface FakeSfRoute {
  opCode: string;
  acceptTime: string;
  acceptAddress?: string;
  remark?: string;
}

export interface FakeSf {
  url: string;
  requests: FakeSfRequest[];
  /** Requests received per serviceCode (every request, also rejected ones). */
  counts(): Record<string, number>;
  count(serviceCode: string): number;
  orders: Map<string, FakeSfOrder>;
  setMode(mode: FakeSfMode, opts?: { delayMs?: number }): void;
  addRoute(waybillNo: string, route: FakeSfRoute): void;
  close(): Promise<void>;
}

export interface FakeSfOptions {
  checkword: string;
  /** When set, any other partnerID gets A1004. */
  partnerId?: string;
  /** What a create with a known orderId gets: SF's documented first result (default) or 8016. */
  duplicate?: 'same-result' | 'error-8016';
  /** Receiver provinces SF "does not serve" (filterResult 3), to exercise that path. */
  unserviceableProvinces?: string[];
  /** Receiver provinces that go to manual review (filterResult 1) and get no waybill yet. */
  reviewProvinces?: string[];
}

const Contact = z.object({ contactType: z.number(), contact: z.string().min(1), province: z.string().min(1), city: z.string().min(1), address: z.string().min(1) }).passthrough();
const CreateMsg = z.object({
  orderId: z.string().min(1).max(64),
  contactInfoList: z.array(Contact).min(2),
  cargoDetails: z.array(z.object({ name: z.string().min(1), count: z.number().positive() }).passthrough()).min(1),
  expressTypeId: z.number().int().positive().optional(),
  parcelQty: z.number().int().positive().optional(),
  remark: z.string().max(100).optional(),
});
const SearchOrderMsg = z.object({ orderId: z.string().min(1), searchType: z.string().optional() });
const UpdateMsg = z.object({
  orderId: z.string().min(1),
  dealType: z.union([z.literal(1), z.literal(2)]),
  waybillNoInfoList: z.array(z.object({ waybillNo: z.string() })).optional(),
  destContactInfo: Contact.optional(),
});
const RoutesMsg = z.object({ trackingType: z.enum(['1', '2']), trackingNumber: z.array(z.string().min(1)).min(1), methodType: z.string().optional() });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "yyyy-MM-dd HH:mm:ss" in GMT+8, like SF. */
export function sfTime(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

/** A route push body in the envelope parseRoutePush assumes (see adapters/sf-express/route-push.ts). */
export function sfRoutePushBody(records: { mailno: string; orderid?: string; opCode: string; acceptTime: string; acceptAddress?: string }[]): string {
  return JSON.stringify({ Body: { WaybillRoute: records.map((r, i) => ({ id: `${r.mailno}-${r.opCode}-${i}`, remark: '', ...r })) } });
}

export async function startFakeSf(opts: FakeSfOptions): Promise<FakeSf> {
  const requests: FakeSfRequest[] = [];
  const orders = new Map<string, FakeSfOrder>();
  const routes = new Map<string, FakeSfRoute[]>();
  let mode: FakeSfMode = 'ok';
  let delayMs = 2_000;
  let nextWaybill = 1;
  const timers = new Set<NodeJS.Timeout>();

  const envelope = (apiResultCode: string, apiErrorMsg: string | null, data: unknown) =>
    JSON.stringify({ apiResultCode, apiErrorMsg, apiResponseID: randomUUID().replace(/-/g, ''), apiResultData: data === undefined ? undefined : JSON.stringify(data) });
  const ok = (msgData: unknown) => ({ success: true, errorCode: FAKE_SF_CODE.OK, errorMsg: null, msgData });
  const fail = (errorCode: string, errorMsg: string) => ({ success: false, errorCode, errorMsg, msgData: null });

  const orderResult = (o: FakeSfOrder) => ({
    orderId: o.orderId,
    filterResult: o.filterResult,
    waybillNoInfoList: o.waybillNo ? [{ waybillType: 1, waybillNo: o.waybillNo }] : [],
  });

  function handle(serviceCode: string, msgData: unknown): unknown {
    switch (serviceCode) {
      case 'EXP_RECE_CREATE_ORDER': {
        const m = CreateMsg.safeParse(msgData);
        if (!m.success) return fail(FAKE_SF_CODE.INVALID_INPUT, `必填参数为空或不合法: ${m.error.issues[0]?.path.join('.') ?? ''}`);
        const known = orders.get(m.data.orderId);
        if (known) return opts.duplicate === 'error-8016' ? fail(FAKE_SF_CODE.DUPLICATE_ORDER, '重复下单') : ok(orderResult(known));
        const receiver = m.data.contactInfoList.find((c) => c.contactType === 2);
        if (!receiver || !m.data.contactInfoList.some((c) => c.contactType === 1)) return fail(FAKE_SF_CODE.INVALID_INPUT, '缺少寄件方或收件方');
        const filterResult = opts.unserviceableProvinces?.includes(receiver.province) ? 3 : opts.reviewProvinces?.includes(receiver.province) ? 1 : 2;
        const waybillNo = filterResult === 2 ? `SF${String(1_400_000_000_000 + nextWaybill++)}` : null;
        const o: FakeSfOrder = { orderId: m.data.orderId, waybillNo, filterResult, cancelled: false, receiver, updates: 0 };
        orders.set(o.orderId, o);
        return ok(orderResult(o));
      }
      case 'EXP_RECE_SEARCH_ORDER_RESP': {
        const m = SearchOrderMsg.safeParse(msgData);
        if (!m.success) return fail(FAKE_SF_CODE.INVALID_INPUT, 'orderId 为空');
        const o = orders.get(m.data.orderId);
        return o ? ok(orderResult(o)) : fail(FAKE_SF_CODE.ORDER_NOT_FOUND, '未获取到订单信息');
      }
      case 'EXP_RECE_UPDATE_ORDER': {
        const m = UpdateMsg.safeParse(msgData);
        if (!m.success) return fail(FAKE_SF_CODE.INVALID_INPUT, `参数不合法: ${m.error.issues[0]?.path.join('.') ?? ''}`);
        const o = orders.get(m.data.orderId);
        if (!o) return fail(FAKE_SF_CODE.ORDER_NOT_FOUND, '未获取到订单信息');
        const given = m.data.waybillNoInfoList?.[0]?.waybillNo;
        if (given !== undefined && given !== o.waybillNo) return ok({ orderId: o.orderId, resStatus: 1, waybillNoInfoList: [] });
        if (o.cancelled) return fail(FAKE_SF_CODE.ALREADY_CANCELLED, '已消单');
        if (m.data.dealType === 2) o.cancelled = true;
        else if (m.data.destContactInfo) {
          o.receiver = m.data.destContactInfo;
          o.updates++;
        }
        return ok({ orderId: o.orderId, resStatus: 2, waybillNoInfoList: o.waybillNo ? [{ waybillType: 1, waybillNo: o.waybillNo }] : [] });
      }
      case 'EXP_RECE_SEARCH_ROUTES': {
        const m = RoutesMsg.safeParse(msgData);
        if (!m.success) return fail(FAKE_SF_CODE.INVALID_INPUT, 'trackingNumber 为空');
        const routeResps = m.data.trackingNumber.map((n) => {
          const waybillNo = m.data.trackingType === '1' ? n : (orders.get(n)?.waybillNo ?? null);
          const orderId = m.data.trackingType === '2' ? n : ([...orders.values()].find((o) => o.waybillNo === n)?.orderId ?? null);
          return { mailNo: waybillNo ?? '', orderId, routes: waybillNo ? (routes.get(waybillNo) ?? []) : [] };
        });
        return ok({ routeResps });
      }
      default:
        return undefined;
    }
  }

  async function respond(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const form = new URLSearchParams(raw);
    const field = (k: string) => form.get(k) ?? '';
    const msgText = field('msgData');
    let msgData: unknown = null;
    try {
      msgData = JSON.parse(msgText);
    } catch {
      msgData = null;
    }
    const digestOk = field('msgDigest') === sfMsgDigest(msgText, field('timestamp'), opts.checkword);
    const rec: FakeSfRequest = { serviceCode: field('serviceCode'), partnerID: field('partnerID'), requestID: field('requestID'), timestamp: field('timestamp'), digestOk, msgData, answer: '' };
    requests.push(rec);
    const send = (status: number, body: string, type = 'application/json;charset=UTF-8') => {
      rec.answer = status === 200 ? (/"apiResultCode":"(\w+)"/.exec(body)?.[1] ?? 'HTTP 200') : `HTTP ${status}`;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'POST' || !/\/std\/service$/.test(req.url ?? '')) return send(404, 'not found', 'text/plain');
    if (mode === 'down') return send(503, '<html><body>503 Service Temporarily Unavailable</body></html>', 'text/html');
    if (mode === 'slow') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, delayMs);
        timers.add(t);
      });
    }
    for (const k of ['partnerID', 'requestID', 'serviceCode', 'timestamp', 'msgDigest', 'msgData']) {
      if (!form.get(k)) return send(200, envelope(FAKE_SF_CODE.MISSING_PARAMETER, `缺少参数 ${k}`, undefined));
    }
    if (opts.partnerId !== undefined && field('partnerID') !== opts.partnerId) return send(200, envelope(FAKE_SF_CODE.NO_PERMISSION, '无权限', undefined));
    // SF answers a bad signature inside a 200 envelope: the "401" of this gateway.
    if (!digestOk) return send(200, envelope(FAKE_SF_CODE.BAD_DIGEST, '数字签名无效', undefined));
    if (mode === 'busy') return send(200, envelope('A1000', null, fail(FAKE_SF_CODE.BUSY, '系统繁忙，请稍后再试')));
    const data = handle(field('serviceCode'), msgData);
    if (data === undefined) return send(200, envelope(FAKE_SF_CODE.NO_PERMISSION, `未开通服务 ${field('serviceCode')}`, undefined));
    return send(200, envelope('A1000', null, data));
  }

  const server = createServer((req, res) => {
    respond(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;

  const counts = () => {
    const out: Record<string, number> = {};
    for (const r of requests) out[r.serviceCode] = (out[r.serviceCode] ?? 0) + 1;
    return out;
  };

  return {
    url: `http://127.0.0.1:${port}/std/service`,
    requests,
    counts,
    count: (serviceCode) => counts()[serviceCode] ?? 0,
    orders,
    setMode(m, o) {
      mode = m;
      if (o?.delayMs !== undefined) delayMs = o.delayMs;
    },
    addRoute(waybillNo, route) {
      const list = routes.get(waybillNo) ?? [];
      list.push(route);
      routes.set(waybillNo, list);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
