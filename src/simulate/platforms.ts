import { PDD_AFTER_SALES_STATUS, PDD_AFTER_SALES_TYPE } from '../../adapters/pinduoduo/sandbox-refunds.js';
import type { SandboxWorld, WorldPlatform } from '../sandbox/world.js';
import { REMOTE_DISTRICT, SCENARIO, type PlannedOrder } from './plan.js';

/**
 * The buyer's and the platform's side of the day, in each platform's own words: what a buyer
 * or the platform does to an order, and how the hub hears of it (a pushed platform pushes after
 * every change; a polled one waits for the hub's next incremental pull).
 */

/** The order states a scenario starts an order in. */
export const START = { PAID: 'paid', UNPAID: 'unpaid', HOLD: 'hold', SHIPPED: 'shipped', REFUND_OPEN: 'refund_open' } as const;
export type StartState = (typeof START)[keyof typeof START];

/** PDD's increment index trails its writes by 3 minutes, so the simulated platform stamps its changes that far back. */
const PDD_LAG_MS = 3 * 60_000 + 2_000;

export interface PlatformActions {
  place(o: PlannedOrder, state: StartState): void;
  pay(o: PlannedOrder): void;
  /** The platform lifts its own hold (paid_on_hold -> paid). */
  release(o: PlannedOrder): void;
  /** The platform (or buyer) closes an order before it ships. */
  close(o: PlannedOrder): void;
  refundOpen(o: PlannedOrder): void;
  refundDone(o: PlannedOrder): void;
  /** A street-level change of the receiver's address. */
  changeStreet(o: PlannedOrder): void;
  /** Tells the hub, as the platform would (a push); a polled platform does nothing here. `times` > 1 redelivers the same message. */
  publish(o: PlannedOrder, times?: number): Promise<void>;
  /** Renders the order's push as it is now, to be delivered late (after newer copies). */
  delayCopy(o: PlannedOrder): { deliver(): Promise<void> };
}

/** How often a platform re-sends a push the hub answered 5xx or 429, and the pause before the first re-send. */
const PUSH_RETRIES = 6;
const PUSH_RETRY_MS = 2_000;

/**
 * Sends a push the way the platforms do: no answer in time, an answer of 5xx or 429 ("retry later": the hub says so
 * when it cannot store the order durably right now) is re-sent, as the same message, after a
 * growing pause (Shopify retries 8 times over 4 hours, Youzan and Douyin re-push too). Any other
 * refusal, or one that outlasts the retries, is a finding, not something to hide.
 */
async function delivered(platform: WorldPlatform, id: string, send: () => Promise<{ status: number; body: string }>): Promise<void> {
  // A push the hub did not answer in time (the sandbox's own timeout) failed as far as the platform
  // knows, like a 5xx: Shopify counts a webhook unanswered within 5 s as failed and re-sends it.
  const attempt = async () => {
    try {
      return await send();
    } catch (err) {
      return { status: 0, body: `no answer: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
  let r = await attempt();
  for (let n = 1; n <= PUSH_RETRIES && (r.status === 0 || r.status >= 500 || r.status === 429); n++) {
    await new Promise((done) => setTimeout(done, PUSH_RETRY_MS * n));
    r = await attempt();
  }
  if (r.status === 0 || r.status >= 300) throw new Error(`${platform} push of ${id} answered ${r.status || 'nothing'}: ${r.body.slice(0, 200)}`);
}

/**
 * Plaintext receivers: the WMS push needs them (adapters/wangdiantong/trade.ts refuses masked or
 * encrypted ones), so the simulated shops are ones whose orders reach the hub decrypted.
 */
function phone(prefix: string, o: PlannedOrder): string {
  return `${prefix}${String(o.n).padStart(8, '0')}`;
}

const remote = (o: PlannedOrder) => o.scenario === SCENARIO.REMOTE_EMS;

function unsupported(platform: WorldPlatform, what: string): never {
  throw new Error(`simulate: ${platform} cannot play "${what}" (no such state on that platform)`);
}

export function platformActions(w: SandboxWorld, platform: WorldPlatform): PlatformActions {
  const lines = (o: PlannedOrder) => o.lines.map((l) => ({ sku: l.sku, qty: l.qty, price: l.price }));
  /** Taobao refunds per line: every line of the order to this refund status. */
  const taobaoRefunds = (o: PlannedOrder, status: 'WAIT_SELLER_AGREE' | 'SUCCESS') => {
    for (const l of o.lines) w.taobao.updateOrder(o.id, { refund: { sku: l.sku, status } });
  };
  switch (platform) {
    case 'taobao':
      return {
        place(o, state) {
          const status = { paid: 'WAIT_SELLER_SEND_GOODS', unpaid: 'WAIT_BUYER_PAY', hold: 'PAID_FORBID_CONSIGN', shipped: 'WAIT_BUYER_CONFIRM_GOODS', refund_open: 'WAIT_SELLER_SEND_GOODS' } as const;
          w.taobao.placeOrder({ id: o.id, status: status[state], lines: lines(o), receiver: remote(o) ? { name: `张${o.n}`, mobile: phone('138', o), state: REMOTE_DISTRICT.province, city: REMOTE_DISTRICT.city, district: REMOTE_DISTRICT.district, address: `${REMOTE_DISTRICT.province}${REMOTE_DISTRICT.city}${REMOTE_DISTRICT.district}解放南路${o.n}号` } : { name: `张${o.n}`, mobile: phone('138', o), state: '浙江省', city: '杭州市', district: '西湖区', address: `浙江省杭州市西湖区文一西路${o.n}号` } });
          if (state === START.REFUND_OPEN) taobaoRefunds(o, 'WAIT_SELLER_AGREE');
        },
        pay: (o) => void w.taobao.updateOrder(o.id, { status: 'WAIT_SELLER_SEND_GOODS' }),
        release: (o) => void w.taobao.updateOrder(o.id, { status: 'WAIT_SELLER_SEND_GOODS' }),
        close(o) {
          // Before payment TOP closes the trade itself; after it (a held order the buyer cancels)
          // only a refund of every line closes it, and the sale stays in the books beside the refund.
          if (!w.taobao.trade(o.id)?.paid) return void w.taobao.updateOrder(o.id, { status: 'TRADE_CLOSED_BY_TAOBAO' });
          taobaoRefunds(o, 'SUCCESS');
        },
        refundOpen: (o) => taobaoRefunds(o, 'WAIT_SELLER_AGREE'),
        refundDone: (o) => taobaoRefunds(o, 'SUCCESS'),
        changeStreet: (o) => void w.taobao.updateOrder(o.id, { receiver: { address: `浙江省杭州市西湖区文一西路${o.n + 1000}号` } }),
        publish: async () => undefined,
        delayCopy: () => unsupported(platform, 'delayCopy'),
      };
    case 'pinduoduo': {
      const back = () => new Date(Date.now() - PDD_LAG_MS);
      // A PDD refund is an after-sale (售后单) per line, listed by pdd.refund.list.increment.get with
      // its amount; the order's refund_status follows it. Ids by order, to pay them out later.
      const afterSales = new Map<string, number[]>();
      const openRefunds = (o: PlannedOrder) => {
        if (afterSales.has(o.id)) return;
        afterSales.set(o.id, o.lines.map((l) => Number(w.pinduoduo.openRefund({ orderSn: o.id, sku: l.sku, type: PDD_AFTER_SALES_TYPE.REFUND_ONLY, modifiedAt: back() })['id'])));
      };
      return {
        place(o, state) {
          if (state === START.UNPAID || state === START.HOLD) unsupported(platform, state);
          const status = state === START.SHIPPED ? 2 : 1;
          const receiver = { name: `王${o.n}`, nameMask: '王*', phone: phone('137', o), phoneMask: '137****0000', address: `东吴北路${o.n}号`, addressMask: '东吴北路**号', province: '江苏省', city: '苏州市', town: '吴中区' };
          w.pinduoduo.placeOrder({ id: o.id, status, refundStatus: state === START.REFUND_OPEN ? 3 : 1, lines: lines(o), receiver, modifiedAt: back(), createdAt: back(), paidAt: back() });
          if (state === START.REFUND_OPEN) openRefunds(o);
        },
        pay: () => unsupported(platform, 'pay'),
        release: () => unsupported(platform, 'release'),
        close: () => unsupported(platform, 'close'),
        refundOpen: (o) => openRefunds(o),
        refundDone(o) {
          openRefunds(o);
          for (const id of afterSales.get(o.id) ?? []) w.pinduoduo.updateRefund(id, { status: PDD_AFTER_SALES_STATUS.REFUNDED, modifiedAt: back() });
        },
        changeStreet: () => unsupported(platform, 'changeStreet'),
        publish: async () => undefined,
        delayCopy: () => unsupported(platform, 'delayCopy'),
      };
    }
    case 'douyin':
      return {
        place(o, state) {
          if (state !== START.PAID && state !== START.UNPAID) unsupported(platform, state);
          const receiver = { encryptName: `赵${o.n}`, maskName: '赵*', encryptTel: phone('159', o), maskTel: '159****0000', province: { id: '41', name: '河南省' }, city: { id: '', name: '' }, town: { id: '419001', name: '济源市' }, street: { id: '419001001', name: '沁园街道' }, detail: `沁园路${o.n}号`, encryptDetail: `沁园路${o.n}号` };
          w.douyin.placeOrder({ id: o.id, status: state === START.PAID ? 2 : 1, lines: lines(o), receiver });
        },
        pay: (o) => void w.douyin.updateOrder(o.id, { status: 2, paidAt: new Date() }),
        release: () => unsupported(platform, 'release'),
        close: (o) => void w.douyin.updateOrder(o.id, { status: 4 }),
        refundOpen: () => unsupported(platform, 'refundOpen'),
        refundDone: () => unsupported(platform, 'refundDone'),
        changeStreet: () => unsupported(platform, 'changeStreet'),
        async publish(o, times = 1) {
          const msgId = `${Date.now()}${o.n}`;
          for (let i = 0; i < times; i++) await delivered(platform, o.id, () => w.douyin.pushOrder(o.id, { msgId }));
        },
        delayCopy: () => unsupported(platform, 'delayCopy'),
      };
    case 'youzan':
      return {
        place(o, state) {
          const status = { paid: 'WAIT_SELLER_SEND_GOODS', unpaid: 'WAIT_BUYER_PAY', hold: 'WAIT_CONFIRM', shipped: 'WAIT_BUYER_CONFIRM_GOODS', refund_open: null } as const;
          const s = status[state] ?? unsupported(platform, state);
          w.youzan.placeOrder({ id: o.id, status: s, lines: lines(o), buyerOpenId: `sim-buyer-${o.n}`, address: remote(o) ? { receiverName: `李${o.n}`, receiverTel: phone('139', o), province: REMOTE_DISTRICT.province, city: REMOTE_DISTRICT.city, district: REMOTE_DISTRICT.district, address: `解放南路${o.n}号` } : { receiverName: `李${o.n}`, receiverTel: phone('139', o), province: '上海市', city: '上海市', district: '浦东新区', address: `张江路${o.n}号` } });
        },
        pay: (o) => void w.youzan.updateOrder(o.id, { status: 'WAIT_SELLER_SEND_GOODS', paidAt: new Date() }),
        release: (o) => void w.youzan.updateOrder(o.id, { status: 'WAIT_SELLER_SEND_GOODS' }),
        close: (o) => void w.youzan.updateOrder(o.id, { status: 'TRADE_CLOSED' }),
        refundOpen: () => unsupported(platform, 'refundOpen'),
        refundDone: () => unsupported(platform, 'refundDone'),
        changeStreet: (o) => void w.youzan.updateOrder(o.id, { address: { address: `张江路${o.n + 1}号` } }),
        async publish(o, times = 1) {
          const msgId = `sim-${o.id}-${Date.now()}`;
          for (let i = 0; i < times; i++) await delivered(platform, o.id, () => w.youzan.pushOrder(o.id, { msgId }));
        },
        delayCopy(o) {
          const late = w.youzan.delayPush(o.id);
          return { deliver: () => delivered(platform, o.id, () => late.deliver()) };
        },
      };
    case 'shopify': {
      const created = new Set<string>();
      return {
        place(o, state) {
          if (state !== START.PAID && state !== START.UNPAID) unsupported(platform, state);
          w.shopify.placeOrder({ id: o.id, financialStatus: state === START.PAID ? 'paid' : 'pending', lines: lines(o), email: `buyer${o.n}@example.com` });
        },
        pay: (o) => void w.shopify.updateOrder(o.id, { financialStatus: 'paid' }),
        release: () => unsupported(platform, 'release'),
        close: (o) => void w.shopify.updateOrder(o.id, { cancel: true }),
        refundOpen: () => unsupported(platform, 'refundOpen'),
        refundDone: () => unsupported(platform, 'refundDone'),
        changeStreet: () => unsupported(platform, 'changeStreet'),
        async publish(o, times = 1) {
          const topic = created.has(o.id) ? 'orders/updated' : 'orders/create';
          created.add(o.id);
          // Shopify re-sends a delivery under its first webhook id.
          let webhookId: string | undefined;
          const push = async () => {
            const r = await w.shopify.pushOrder(o.id, { topic, ...(webhookId ? { webhookId } : {}) });
            webhookId = r.webhookId;
            return r;
          };
          await delivered(platform, o.id, push);
          for (let i = 1; i < times; i++) await delivered(platform, o.id, push);
        },
        delayCopy(o) {
          const late = w.shopify.delayPush(o.id);
          return { deliver: () => delivered(platform, o.id, () => late.deliver()) };
        },
      };
    }
  }
}
