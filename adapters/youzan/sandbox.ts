import { createHash, randomUUID } from 'node:crypto';
import type { SandboxDefinition, SandboxStartOptions, SandboxSystem } from '../../src/sandbox/core.js';
import { SandboxLog } from '../../src/sandbox/core.js';
import { hubRoute, jsonText, parseSandboxInput, PlatformListings, pushToHub, startPlatformServer, type PushResult } from '../../src/sandbox/platform-kit.js';
import type { PlatformBooks } from '../../src/sandbox/platform-books.js';
import { ADAPTER_ID, type YOUZAN_TRADE_TYPES } from './constants.js';
import { renderTrade, tradeState, YouzanOrderInput, YouzanOrderPatch, type YouzanStatus, type YouzanTrade } from './sandbox-orders.js';

/**
 * Youzan (有赞) as the hub sees it: trade pushes. Each push is the documented body {client_id,
 * id, kdt_id, type, status, msg, msg_id, version, sendCount, test, sign} with `msg` the trade
 * as URL-encoded JSON (Java URLEncoder style) and sign = MD5(client_id + encoded msg +
 * client_secret), POSTed to the hub's /webhooks/youzan/<channel>. The adapter calls no Youzan
 * REST API, so the sandbox's server answers 404 to everything: it exists for the fault switches'
 * sake and so every sandbox has the same shape.
 */

export interface YouzanSandboxOptions extends SandboxStartOptions {
  clientId?: string;
  clientSecret?: string;
  kdtId?: string;
  /** The hub channel pushes go to (`/webhooks/youzan/<channel>`); default `youzan`. */
  channel?: string;
}

export type YouzanTradeType = (typeof YOUZAN_TRADE_TYPES)[number];

export interface YouzanPushResult extends PushResult {
  msgId: string;
  type: string;
  version: number;
}

export interface YouzanSandbox extends SandboxSystem {
  placeOrder(input: YouzanOrderInput): ReturnType<typeof tradeState>;
  /** Pays, holds (WAIT_CONFIRM), closes, sets refund_state, changes the address; bumps update_time and the push version. */
  updateOrder(tid: string, patch: YouzanOrderPatch): ReturnType<typeof tradeState>;
  /** Pushes the trade as it is now; the type follows its status unless given. `msgId` repeats a push (a resend: sendCount goes up). */
  pushOrder(tid: string, opts?: { type?: YouzanTradeType; msgId?: string; channel?: string }): Promise<YouzanPushResult>;
  /**
   * Renders the trade's push now but delivers it only when `deliver()` is called: a message stuck
   * in Youzan's delivery queue that reaches the hub after later ones (a stale copy, lower version).
   */
  delayPush(tid: string, opts?: { channel?: string }): { version: number; deliver(): Promise<YouzanPushResult> };
  /** Youzan's periodic test message, which the hub must acknowledge. */
  pushTest(opts?: { channel?: string }): Promise<YouzanPushResult>;
  state(): YouzanSandboxState;
  /**
   * The platform's own money figures: every trade with a pay_time (its payment) and every full
   * refund done (refund_state 12: the whole payment). A partial refund done (2) names no line or
   * amount in this sandbox: listed in unpricedRefunds.
   */
  books(): PlatformBooks;
}

export interface YouzanSandboxState {
  orders: ReturnType<typeof tradeState>[];
  pushes: { msgId: string; tid: string | null; type: string; version: number; sendCount: number; status: number }[];
  shipments: never[];
  stock: Record<string, number>;
}

const TYPE_OF_STATUS: Record<YouzanStatus, YouzanTradeType> = {
  WAIT_BUYER_PAY: 'trade_TradeCreate',
  TRADE_PAID: 'trade_TradePaid',
  WAIT_CONFIRM: 'trade_TradePaid',
  WAIT_SELLER_SEND_GOODS: 'trade_TradePaid',
  WAIT_BUYER_CONFIRM_GOODS: 'trade_TradeSellerShip',
  TRADE_SUCCESS: 'trade_TradeSuccess',
  TRADE_CLOSED: 'trade_TradeClose',
};

/** Java's URLEncoder: spaces as '+', and !'()~ escaped (encodeURIComponent leaves them). */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Youzan settles in yuan. */
const CURRENCY = 'CNY';

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts: YouzanSandboxOptions = {}): Promise<YouzanSandbox> {
    const clock = opts.clock ?? (() => new Date());
    const creds = { clientId: opts.clientId ?? 'sandbox-youzan-client', clientSecret: opts.clientSecret ?? 'sandbox-youzan-secret' };
    const kdtId = opts.kdtId ?? '12345';
    const log = new SandboxLog(ADAPTER_ID, clock);
    const listings = new PlatformListings('youzan sandbox', { item: 422_000_000n, sku: 36_000_000n });
    const trades = new Map<string, YouzanTrade>();
    const pushes: YouzanSandboxState['pushes'] = [];
    let oidSeq = 1_463_796_275_690_875_000n;
    const server = await startPlatformServer({ ...(opts.port === undefined ? {} : { port: opts.port }), handler: () => ({ status: 404, body: 'Not Found' }) });
    const tradeOf = (tid: string, what: string) => {
      const t = trades.get(tid);
      if (!t) throw new Error(`youzan sandbox ${what}: tid: no trade ${tid}`);
      return t;
    };

    const send = async (p: { tid: string | null; type: string; status: string; msg: string; msgId: string | undefined; version: number; test: boolean; channel: string | undefined }): Promise<YouzanPushResult> => {
      const hub = opts.push?.hubUrl;
      if (!hub) throw new Error('youzan sandbox push: push.hubUrl: not set (start the sandbox with push: { hubUrl })');
      const msgId = p.msgId ?? randomUUID();
      const sendCount = pushes.filter((x) => x.msgId === msgId).length;
      const encoded = javaUrlEncode(p.msg);
      const sign = createHash('md5').update(creds.clientId + encoded + creds.clientSecret, 'utf8').digest('hex');
      const body = JSON.stringify({ client_id: creds.clientId, id: p.tid ?? '', kdt_id: Number(kdtId), kdt_name: 'sandbox shop', type: p.type, status: p.status, msg: encoded, msg_id: msgId, version: p.version, sendCount, test: p.test, mode: 1, sign });
      const url = hubRoute(hub, `/webhooks/youzan/${p.channel ?? opts.channel ?? ADAPTER_ID}`);
      const res = await pushToHub({ log, kind: p.test ? 'push.test' : 'push', key: p.tid, url, body, headers: { 'content-type': 'application/json' } });
      pushes.push({ msgId, tid: p.tid, type: p.type, version: p.version, sendCount, status: res.status });
      return { ...res, msgId, type: p.type, version: p.version };
    };

    const system: YouzanSandbox = {
      adapter: ADAPTER_ID,
      server,
      log,
      connectorConfig() {
        return { clientId: creds.clientId, clientSecret: creds.clientSecret };
      },
      placeOrder(raw) {
        const o = parseSandboxInput(YouzanOrderInput, raw, 'youzan sandbox placeOrder');
        if (trades.has(o.id)) throw new Error(`youzan sandbox placeOrder: id: trade ${o.id} exists already (use updateOrder)`);
        const modified = o.modifiedAt ?? clock();
        const totals = o.lines.map((l) => l.price * l.qty);
        const goods = totals.reduce((a, b) => a + b, 0);
        if (o.discount > goods) throw new Error('youzan sandbox placeOrder: discount: larger than the goods total');
        // Youzan's own split of the discount: each line's payment, the remainder on the last line.
        let left = o.discount;
        const t: YouzanTrade = {
          tid: o.id,
          status: o.status,
          refundState: 0,
          lines: o.lines.map((l, i) => {
            const at = listings.ensure(l.sku);
            const share = i === o.lines.length - 1 ? left : Math.floor((o.discount * (totals[i] ?? 0)) / goods);
            left -= share;
            oidSeq += 1n;
            return { oid: l.lineId ?? String(oidSeq), sku: l.sku, itemId: at.itemId, skuId: at.skuId, title: l.title ?? l.sku, qty: l.qty, price: l.price, payment: (totals[i] ?? 0) - share };
          }),
          postFee: o.postFee,
          discount: o.discount,
          address: o.address,
          buyerOpenId: o.buyerOpenId,
          buyerMessage: o.buyerMessage,
          created: o.createdAt ?? modified,
          paid: o.paidAt ?? (o.status === 'WAIT_BUYER_PAY' ? undefined : modified),
          modified,
        };
        trades.set(t.tid, t);
        log.record('trade.placed', t.tid, { status: t.status });
        return tradeState(t);
      },
      updateOrder(tid, raw) {
        const patch = parseSandboxInput(YouzanOrderPatch, raw, 'youzan sandbox updateOrder');
        const t = tradeOf(tid, 'updateOrder');
        const at = patch.modifiedAt ?? clock();
        if (patch.status) {
          if (patch.status !== 'WAIT_BUYER_PAY' && patch.status !== 'TRADE_CLOSED' && !t.paid) t.paid = patch.paidAt ?? at;
          t.status = patch.status;
        }
        if (patch.paidAt) t.paid = patch.paidAt;
        if (patch.refundState !== undefined) {
          t.refundState = patch.refundState;
          // A full refund done closes the trade, as Youzan does.
          if (patch.refundState === 12) {
            t.status = 'TRADE_CLOSED';
            t.refundedAt ??= at;
          }
        }
        if (patch.address) t.address = { ...t.address, ...patch.address };
        t.modified = at;
        log.record('trade.updated', tid, { status: t.status, fields: Object.keys(patch) });
        return tradeState(t);
      },
      async pushOrder(tid, o = {}) {
        const t = tradeOf(tid, 'pushOrder');
        // The version follows the trade's update time, so a later state always outranks an earlier one.
        return send({ tid, type: o.type ?? TYPE_OF_STATUS[t.status], status: t.status, msg: jsonText(renderTrade(t)), msgId: o.msgId, version: t.modified.getTime(), test: false, channel: o.channel });
      },
      delayPush(tid, o = {}) {
        const t = tradeOf(tid, 'delayPush');
        const p = { tid, type: TYPE_OF_STATUS[t.status], status: t.status, msg: jsonText(renderTrade(t)), msgId: randomUUID(), version: t.modified.getTime(), test: false, channel: o.channel };
        return { version: p.version, deliver: () => send(p) };
      },
      async pushTest(o = {}) {
        return send({ tid: null, type: 'test', status: '', msg: jsonText({ test: true }), msgId: undefined, version: clock().getTime(), test: true, channel: o.channel });
      },
      state() {
        return { orders: [...trades.values()].map(tradeState), pushes: pushes.map((p) => ({ ...p })), shipments: [], stock: {} };
      },
      books() {
        const payment = (t: YouzanTrade) => t.lines.reduce((a, l) => a + l.price * l.qty, 0) + t.postFee - t.discount;
        const all = [...trades.values()];
        return {
          sales: all.flatMap((t) => (t.paid ? [{ orderId: t.tid, currency: CURRENCY, paidAt: t.paid.toISOString(), received: payment(t) }] : [])),
          refunds: all.flatMap((t) => (t.refundedAt ? [{ orderId: t.tid, lineId: null, currency: CURRENCY, amount: payment(t), refundedAt: t.refundedAt.toISOString() }] : [])),
          unpricedRefunds: all.filter((t) => t.refundState === 2).map((t) => t.tid),
        };
      },
      close: () => server.close(),
    };
    return system;
  },
} satisfies SandboxDefinition<YouzanSandbox>;
