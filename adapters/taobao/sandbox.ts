import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { SandboxDefinition, SandboxRequest, SandboxResponse, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { ErrorScript, jsonResponse, parseSandboxInput, PlatformLedger, PlatformListings, startPlatformServer, type SandboxListingInput } from '../../src/sandbox/platform-kit.js';
import type { PlatformBooks } from '../../src/sandbox/platform-books.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { ADAPTER_ID, TOP_SIGN_METHODS, type TopSignMethod } from './constants.js';
import { topRefunds } from './sandbox-refunds.js';
import { TOP_ROUTER_PATH, tradeMethods, type TopCall, type TopErrorBody } from './sandbox-methods.js';
import { divideDiscount, indexWrite, isPaid, isPaidStatus, TaobaoOrderInput, TaobaoOrderPatch, TOP_STATUS, tradeState, type TopTrade } from './sandbox-trades.js';
import { parseGmt8 } from '../_shared/signing.js';

/**
 * A Taobao Open Platform router in memory. It checks what TOP checks before any method runs
 * (app key, session, timestamp, version, sign_method and the signature, computed here from the
 * documented algorithm rather than the adapter's code) and answers with TOP's top-level codes;
 * the methods (sandbox-methods.ts) keep trades, shipments and stock and refuse what TOP refuses
 * with its isv.* sub-codes.
 */

export type { TopErrorBody };

/**
 * Errors a test or the simulator can queue with failNext. Top-level codes from TOP's platform
 * error table (7 App Call Limited, 27 Invalid session); the isp./accesscontrol. sub-codes are
 * the documented prefixes with representative names (the exact suffixes are UNVERIFIED).
 */
export const TOP_ERRORS = {
  APP_CALL_LIMITED: { code: 7, msg: 'App Call Limited', sub_code: 'accesscontrol.limited-by-app-access-count', sub_msg: 'This ban will last for 1 more seconds' },
  REMOTE_SERVICE_TIMEOUT: { code: 15, msg: 'Remote service error', sub_code: 'isp.remote-service-timeout', sub_msg: '远程服务调用超时' },
  SERVICE_UNAVAILABLE: { code: 10, msg: 'Service currently unavailable' },
  SESSION_EXPIRED: { code: 27, msg: 'Invalid session', sub_code: 'session-expired', sub_msg: 'SessionKey非法' },
} as const satisfies Record<string, TopErrorBody>;

export interface TaobaoSandboxOptions extends SandboxStartOptions {
  appKey?: string;
  appSecret?: string;
  sessionKey?: string;
  /** What connectorConfig() asks the adapter to sign with; the router accepts all three. */
  signMethod?: TopSignMethod;
  /** How long the list APIs' index lags a write (0: at once); the detail API always reads the latest. */
  indexLagMs?: number;
}

export interface TaobaoSandbox extends SandboxSystem {
  /** Creates a trade (TOP status words, money in minor units); returns its state. */
  placeOrder(input: TaobaoOrderInput): ReturnType<typeof tradeState>;
  /** Pays, holds, cancels, refunds a line, changes the address; bumps `modified`. */
  updateOrder(tid: string, patch: TaobaoOrderPatch): ReturnType<typeof tradeState>;
  /** One trade's state (null: no such trade), without copying the whole book as state() does. */
  trade(tid: string): ReturnType<typeof tradeState> | null;
  /** Lists a SKU on an item (placeOrder lists unknown SKUs itself). */
  listItem(input: SandboxListingInput): { sku: string; numIid: string; skuId: string };
  /** Answers the next matching call(s) with this TOP error instead. */
  failNext(error: TopErrorBody, opts?: { method?: string; times?: number }): void;
  /**
   * Asked for every call before it is answered: a promise holds the answer until it settles (a
   * test kills the worker while a page is in flight); null answers at once. A held call whose
   * client went away meanwhile is logged as `request.lost` and never reaches its method.
   */
  holdCalls(fn: ((call: { method: string; params: Readonly<Record<string, string>> }) => Promise<void> | null) | null): void;
  state(): TaobaoSandboxState;
  /** The platform's own money figures: every trade it shows paid (payment, CNY) and every line refund that succeeded. */
  books(): PlatformBooks;
}

export interface TaobaoSandboxState {
  orders: ReturnType<typeof tradeState>[];
  shipments: ReturnType<PlatformLedger['toJSON']>['shipments'];
  stock: Record<string, number>;
  stockSets: ReturnType<PlatformLedger['toJSON']>['stockSets'];
  /** Calls refused before reaching a method (signature, session...), by TOP code. */
  refused: Record<string, number>;
  /** Refunds as taobao.refunds.receive.get lists them (one per refunded line). */
  refunds: Record<string, unknown>[];
}

/** TOP's signature over the sorted k+v text: MD5(secret+s+secret), HMAC-MD5 or HMAC-SHA256, upper hex. */
function topSign(params: Record<string, string>, secret: string, method: TopSignMethod): string {
  const s = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => `${k}${params[k] ?? ''}`)
    .join('');
  const hex = method === 'md5' ? createHash('md5').update(secret + s + secret, 'utf8').digest('hex') : createHmac(method === 'hmac' ? 'md5' : 'sha256', secret).update(s, 'utf8').digest('hex');
  return hex.toUpperCase();
}

function isSignMethod(v: string | undefined): v is TopSignMethod {
  return (TOP_SIGN_METHODS as readonly (string | undefined)[]).includes(v);
}

/** Taobao settles in yuan. */
const CURRENCY = 'CNY';

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: TaobaoSandboxOptions = {}): Promise<TaobaoSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = { appKey: opts.appKey ?? '12345678', appSecret: opts.appSecret ?? 'sandbox-top-secret', session: opts.sessionKey ?? 'sandbox-session', signMethod: opts.signMethod ?? 'hmac-sha256' };
    const log = new SandboxLog(ADAPTER_ID, clock);
    const ledger = new PlatformLedger(log, clock);
    const listings = new PlatformListings('taobao sandbox', { item: 680_000_000_000n, sku: 5_000_000_000_000n });
    const trades = new Map<string, TopTrade>();
    const script = new ErrorScript<TopErrorBody>();
    const refused = new Map<string, number>();
    const indexLagMs = opts.indexLagMs ?? 0;
    const refunds = topRefunds({ log });
    const methods = { ...tradeMethods({ trades, listings, ledger, log, clock, indexLagMs }), ...refunds.methods };

    const fail = (e: TopErrorBody): SandboxResponse => jsonResponse({ error_response: { ...e, request_id: randomUUID().replaceAll('-', '').slice(0, 13) } });
    const refuse = (e: TopErrorBody, method: string | undefined): SandboxResponse => {
      refused.set(String(e.code), (refused.get(String(e.code)) ?? 0) + 1);
      log.record('request.refused', method ?? null, { code: e.code, msg: e.msg });
      return fail(e);
    };

    const handle = (req: SandboxRequest, badSignature: boolean): SandboxResponse => {
      if (req.path !== TOP_ROUTER_PATH) return { status: 404, body: 'Not Found' };
      // TOP takes system and API parameters from the query string and the form body alike.
      const p: Record<string, string> = Object.fromEntries(req.query);
      if (req.method === 'POST') Object.assign(p, Object.fromEntries(new URLSearchParams(req.text)));
      const method = p['method'];
      if (!method) return refuse({ code: 21, msg: 'Missing method' }, method);
      if (!p['app_key']) return refuse({ code: 28, msg: 'Missing app key' }, method);
      if (p['app_key'] !== creds.appKey) return refuse({ code: 29, msg: 'Invalid app Key' }, method);
      if (!p['timestamp']) return refuse({ code: 30, msg: 'Missing timestamp' }, method);
      if (!parseGmt8(p['timestamp'])) return refuse({ code: 31, msg: 'Invalid timestamp', sub_msg: 'timestamp must be yyyy-MM-dd HH:mm:ss (GMT+8)' }, method);
      if (!p['v']) return refuse({ code: 32, msg: 'Missing version' }, method);
      if (p['v'] !== '2.0') return refuse({ code: 34, msg: 'Unsupported version' }, method);
      if (!p['sign']) return refuse({ code: 24, msg: 'Missing signature' }, method);
      const signMethod = p['sign_method'] ?? 'md5';
      if (!isSignMethod(signMethod)) return refuse({ code: 25, msg: 'Invalid signature', sub_msg: `unsupported sign_method ${signMethod}` }, method);
      if (badSignature || p['sign'] !== topSign(p, creds.appSecret, signMethod)) return refuse({ code: 25, msg: 'Invalid signature' }, method);
      const impl = methods[method];
      if (!impl) return refuse({ code: 22, msg: 'Invalid method' }, method);
      if (impl.needsSession) {
        if (!p['session']) return refuse({ code: 26, msg: 'Missing session' }, method);
        if (p['session'] !== creds.session) return refuse({ code: 27, msg: 'Invalid session', sub_code: 'invalid-sessionkey', sub_msg: 'SessionKey非法' }, method);
      }
      const scripted = script.take(method);
      if (scripted) {
        log.record('request.failed', method, { code: scripted.code, sub_code: scripted.sub_code ?? null });
        return fail(scripted);
      }
      const call: TopCall = { params: p };
      const out = impl.run(call);
      return 'error' in out ? fail(out.error) : jsonResponse(out.ok);
    };

    let hold: Parameters<TaobaoSandbox['holdCalls']>[0] = null;
    const held = async (req: SandboxRequest, badSignature: boolean): Promise<SandboxResponse> => {
      const p: Record<string, string> = { ...Object.fromEntries(req.query), ...(req.method === 'POST' ? Object.fromEntries(new URLSearchParams(req.text)) : {}) };
      const wait = hold && p['method'] ? hold({ method: p['method'], params: p }) : null;
      if (wait) {
        await wait;
        if (req.signal.aborted) {
          log.record('request.lost', p['method'] ?? null, { params: Object.fromEntries(Object.entries(p).filter(([k]) => !['sign', 'session'].includes(k))) });
          return { status: 499, body: 'client closed request' };
        }
      }
      // The trades are read after the hold: what changed meanwhile is what the answer shows.
      return handle(req, badSignature);
    };

    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: (req, ctx) => held(req, ctx.badSignature) });

    const system: TaobaoSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return { appKey: creds.appKey, appSecret: creds.appSecret, sessionKey: creds.session, signMethod: creds.signMethod, baseUrl: `${server.url}${TOP_ROUTER_PATH}`, listings: Object.fromEntries(listings.all().map((s) => [s.sku, { numIid: s.itemId, skuId: s.skuId }])) };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(TaobaoOrderInput, raw, 'taobao sandbox placeOrder');
        if (trades.has(o.id)) throw new Error(`taobao sandbox placeOrder: id: trade ${o.id} exists already (use updateOrder)`);
        const now = clock();
        const goods = o.lines.map((l) => l.price * l.qty);
        if (o.discount > goods.reduce((a, b) => a + b, 0)) throw new Error('taobao sandbox placeOrder: discount: larger than the goods total');
        const divided = divideDiscount(goods, o.discount);
        const modified = o.modifiedAt ?? now;
        const t: TopTrade = {
          tid: o.id,
          status: o.status,
          type: o.type,
          lines: o.lines.map((l, i) => {
            const at = listings.ensure(l.sku);
            return { oid: l.lineId ?? (BigInt(o.id) + BigInt(i + 1)).toString(), sku: l.sku, numIid: at.itemId, skuId: at.skuId, title: l.title ?? l.sku, qty: l.qty, price: l.price, divide: divided[i] ?? 0, refundStatus: 'NO_REFUND', shipped: false };
          }),
          postFee: o.postFee,
          discount: o.discount,
          receiver: o.receiver,
          oaid: o.oaid,
          buyerMessage: o.buyerMessage,
          sellerMemo: o.sellerMemo,
          sellerFlag: o.sellerFlag,
          created: o.createdAt ?? modified,
          paid: o.paidAt ?? (isPaidStatus(o.status) ? modified : undefined),
          modified,
          consigned: undefined,
          index: [],
        };
        indexWrite(t, now, indexLagMs);
        trades.set(t.tid, t);
        log.record('trade.placed', t.tid, { status: t.status });
        return tradeState(t);
      },
      updateOrder(tid, raw) {
        const patch = parseSandboxInput(TaobaoOrderPatch, raw, 'taobao sandbox updateOrder');
        const t = trades.get(tid);
        if (!t) throw new Error(`taobao sandbox updateOrder: id: no trade ${tid}`);
        const at = patch.modifiedAt ?? clock();
        if (patch.status === TOP_STATUS.TRADE_CLOSED_BY_TAOBAO && t.paid) {
          // TRADE_CLOSED_BY_TAOBAO is a close before payment; a paid trade closes through its
          // refunds (every line refunded: TRADE_CLOSED), and its sale stays in the books beside them.
          throw new Error(`taobao sandbox updateOrder: status: trade ${tid} was paid; TOP closes it through refunds (TRADE_CLOSED), never TRADE_CLOSED_BY_TAOBAO`);
        }
        if (patch.status) {
          // Any move into a paid status (pay, hold after payment) stamps pay_time once.
          if (isPaidStatus(patch.status) && !t.paid) t.paid = patch.paidAt ?? at;
          t.status = patch.status;
        }
        if (patch.paidAt) t.paid = patch.paidAt;
        if (patch.refund) {
          const r = patch.refund;
          const line = t.lines.find((l) => (r.lineId !== undefined ? l.oid === r.lineId : l.sku === r.sku));
          if (!line) throw new Error(`taobao sandbox updateOrder: refund: trade ${tid} has no line ${r.lineId ?? r.sku ?? ''}`);
          line.refundStatus = r.status;
          refunds.touch(t, line, at);
          // A trade whose every line was refunded is closed by TOP itself.
          if (t.lines.every((l) => l.refundStatus === 'SUCCESS')) t.status = TOP_STATUS.TRADE_CLOSED;
        }
        if (patch.receiver) t.receiver = { ...t.receiver, ...patch.receiver };
        if (patch.sellerMemo !== undefined) t.sellerMemo = patch.sellerMemo;
        t.modified = at;
        indexWrite(t, clock(), indexLagMs);
        log.record('trade.updated', tid, { status: t.status, fields: Object.keys(patch) });
        return tradeState(t);
      },
      trade(tid) {
        const t = trades.get(tid);
        return t ? tradeState(t) : null;
      },
      listItem(input) {
        const s = listings.list(input);
        return { sku: s.sku, numIid: s.itemId, skuId: s.skuId };
      },
      holdCalls(fn) {
        hold = fn;
      },
      failNext(error, o = {}) {
        script.failNext(error, { ...(o.method ? { api: o.method } : {}), ...(o.times ? { times: o.times } : {}) });
      },
      state() {
        const l = ledger.toJSON();
        return { orders: [...trades.values()].map(tradeState), shipments: l.shipments, stock: l.stock, stockSets: l.stockSets, refused: Object.fromEntries(refused), refunds: refunds.all() };
      },
      books() {
        // pay_time is what fullinfo.get sends: a paid status with its payment stamp.
        const sales = [...trades.values()].flatMap((t) => (t.paid && isPaid(t) ? [{ orderId: t.tid, currency: CURRENCY, paidAt: t.paid.toISOString(), received: t.lines.reduce((a, l) => a + l.price * l.qty, 0) + t.postFee - t.discount }] : []));
        const paidOut = refunds.paidOut().map((r) => ({ orderId: r.tid, lineId: r.oid, currency: CURRENCY, amount: r.fee, refundedAt: r.at.toISOString() }));
        return { sales, refunds: paidOut, unpricedRefunds: [] };
      },
      close: () => server.close(),
    };
    return system;
  },
  /** What the contract kit calls: a trade updated ten minutes ago is pulled, shipped and its SKU's stock set; another's refund request is listed. */
  contract(system: TaobaoSandbox) {
    const [tid, refunded] = ['4012345678901234567', '4012345678901234568'];
    const sku = 'CONTRACT-SKU';
    const now = Date.now();
    const window = { start: new Date(now - 30 * 60_000).toISOString(), end: new Date(now).toISOString() };
    system.placeOrder({ id: tid, lines: [{ sku, qty: 1, price: 1990 }], modifiedAt: new Date(now - 10 * 60_000) });
    system.placeOrder({ id: refunded, lines: [{ sku, qty: 1, price: 1990 }], modifiedAt: new Date(now - 12 * 60_000) });
    system.updateOrder(refunded, { refund: { sku, status: 'WAIT_SELLER_AGREE' }, modifiedAt: new Date(now - 8 * 60_000) });
    return [
      { capability: CAPABILITY.ORDER_PULL, input: { window }, check: (out: unknown) => (JSON.stringify(out).includes(tid) ? null : `trade ${tid} updated in the window was not pulled`) },
      {
        capability: CAPABILITY.SHIPMENT_CONFIRM,
        input: { orderId: tid, trackingNumber: 'SF0000000001', carrierCode: 'SF' },
        check: () => (system.state().shipments.some((s) => s.orderId === tid && s.trackingNumber === 'SF0000000001') ? null : 'the sandbox recorded no shipment'),
      },
      {
        capability: CAPABILITY.INVENTORY_PUSH,
        input: { warehouse: 'WH1', items: [{ sku, available: 3 }] },
        check: () => (system.state().stock[sku] === 3 ? null : `the sandbox holds ${String(system.state().stock[sku])} for ${sku}, not 3`),
      },
      { capability: CAPABILITY.AFTER_SALES_PULL, input: { window }, check: (out: unknown) => (JSON.stringify(out).includes(refunded) ? null : `the refund of trade ${refunded} was not listed`) },
    ];
  },
} satisfies SandboxDefinition<TaobaoSandbox>;
