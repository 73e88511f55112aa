import { CanonicalOrder } from '../../src/canonical/order.js';
import type { LifecycleSettings, OrderLifecycleInput, OrderState } from '../../workflows/order-lifecycle.js';

/** Builders for lifecycle tests: settings, canonical orders, workflow input, timeline readers. */

/** Settings of a hub with courier, remote courier, WMS and rules; retries short so failures show quickly. */
export function lifecycleSettings(over: Partial<LifecycleSettings> = {}): LifecycleSettings {
  return {
    warehouse: 'WH-T',
    courier: 'courier-sf',
    remoteCourier: 'courier-ems',
    wms: 'wms-1',
    mappings: { waybill: null, wms: null, waybillUpdate: null },
    addressWindowMinutes: 30,
    sender: { name: 'Zhongshu Store', phone: '0755-0000000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园 1 号' },
    unpaidLockMinutes: 30,
    onLockFailure: 'hold',
    lockRetrySeconds: 60,
    pickupTimeoutHours: 48,
    retry: { maximumAttempts: 2, initialIntervalMs: 10, backoffCoefficient: 1 },
    adapterRetry: {},
    rules: true,
    stockPushPlatforms: [],
    outageRetryMs: 50,
    ...over,
  };
}

export type Address = CanonicalOrder['address'];
export const NANSHAN: Address = { country: 'CN', province: '广东省', city: '深圳市', district: '南山区', detail: { ciphertext: '~ct~addr~1~', masked: '科技园***' } };

/** A canonical order that passes the schema: two lines, paid, in Shenzhen Nanshan. */
export function canonicalOrder(over: { id?: string; channel?: string; status?: CanonicalOrder['status']; orderType?: CanonicalOrder['orderType']; presale?: CanonicalOrder['presale']; address?: Address; createdAt?: string } = {}): CanonicalOrder {
  const id = over.id ?? `4000${Math.floor(Math.random() * 1e12)}`;
  const money = (minor: number) => ({ minor, currency: 'CNY' });
  const line = (lineId: string, sku: string, qty: number, unit: number) => ({ lineId, merchantSku: sku, title: sku, quantity: qty, unitPrice: money(unit), lineTotal: money(unit * qty), discount: money(0), refundStatus: 'none' });
  const status = over.status ?? 'paid';
  return CanonicalOrder.parse({
    schemaVersion: 1,
    source: { platform: 'taobao', channel: over.channel ?? 'tb-1', shop: 'shop-1', platformOrderId: id, receivedAt: '2026-12-01T10:00:00+08:00' },
    status,
    platformStatus: status === 'awaiting_payment' ? 'WAIT_BUYER_PAY' : status === 'paid' ? 'WAIT_SELLER_SEND_GOODS' : 'TRADE_CLOSED',
    orderType: over.orderType ?? 'normal',
    createdAt: over.createdAt ?? '2026-12-01T09:59:00+08:00',
    paidAt: null,
    currency: 'CNY',
    totals: { goods: money(39800), freight: money(0), discount: money(0), paid: money(status === 'awaiting_payment' ? 0 : 39800) },
    lines: [line('L1', 'SKU-A', 1, 29900), line('L2', 'SKU-B', 1, 9900)],
    buyer: { handle: 'oaid-test' },
    recipient: { name: { ciphertext: '~ct~name~', masked: '张*' }, phone: { ciphertext: '~ct~phone~', masked: '138****0000' } },
    address: over.address ?? NANSHAN,
    ...(over.presale ? { presale: over.presale } : {}),
  });
}

export function lifecycleInput(opts: { order?: CanonicalOrder; settings?: LifecycleSettings | null } = {}): OrderLifecycleInput {
  const order = opts.order ?? canonicalOrder();
  return {
    orderKey: `${order.source.channel}:${order.source.platformOrderId}`,
    order,
    mappings: {},
    receivedVia: { kind: 'api' },
    searchAttributes: false,
    settings: opts.settings === undefined ? lifecycleSettings() : opts.settings,
  };
}

/** The states the order went through, each once (notes repeat the current state). */
export function states(s: OrderState): string[] {
  return s.timeline.map((t) => t.state).filter((st, i, all) => st !== all[i - 1]);
}

export function causes(s: OrderState): string[] {
  return s.timeline.map((t) => t.cause);
}

/** Workflow-clock minutes between the first timeline entry in `from` and the first in `to`. */
export function minutesBetween(s: OrderState, from: string, to: string): number {
  const at = (st: string) => Date.parse(s.timeline.find((t) => t.state === st)?.at ?? 'missing');
  return (at(to) - at(from)) / 60_000;
}
