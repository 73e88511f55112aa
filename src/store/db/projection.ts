import type { CanonicalOrder } from '../../canonical/order.js';
import type { Hold } from '../../../workflows/lifecycle/types.js';
import type { TimelineEntry } from '../../../workflows/states.js';
import type { PhoneHasher } from './phone-hash.js';
import type { OrdersTable } from './schema.js';
import type { Insertable } from 'kysely';

/**
 * What the lifecycle workflow hands the store as it moves: its whole view of the order, numbered.
 * `seq` grows with every write of one workflow, so a retried or replayed write (same or lower
 * seq) changes nothing and a late one never overwrites a newer one.
 */
export interface OrderProjection {
  workflowId: string;
  seq: number;
  orderKey: string;
  state: string;
  platformStatus: string;
  order: CanonicalOrder;
  timeline: TimelineEntry[];
  hold: Hold | null;
  waybillNo: string | null;
  carrier: string | null;
  /** The waybill the platform was told of (发货回传), or null. */
  confirmedWaybill: string | null;
  /** Workflow time of this write (deterministic on replay). */
  at: string;
}

/** Merchant SKUs of the order, distinct, for the array index. */
export function skusOf(order: CanonicalOrder): string[] {
  return [...new Set(order.lines.map((l) => l.merchantSku).filter((s): s is string => typeof s === 'string' && s !== ''))];
}

export function orderRow(p: OrderProjection, hashPhone: PhoneHasher | null): Insertable<OrdersTable> {
  const o = p.order;
  const phone = o.recipient.phone ?? null;
  return {
    workflow_id: p.workflowId,
    seq: p.seq,
    order_key: p.orderKey,
    platform: o.source.platform,
    channel: o.source.channel,
    shop: o.source.shop,
    platform_order_id: o.source.platformOrderId,
    state: p.state,
    platform_status: p.platformStatus,
    hold_reason: p.hold?.reason ?? null,
    hold: p.hold ? JSON.stringify(p.hold) : null,
    canonical: JSON.stringify(o),
    timeline: JSON.stringify(p.timeline),
    waybill_no: p.waybillNo,
    carrier: p.carrier,
    ship_confirmations: '[]',
    skus: skusOf(o),
    currency: o.currency,
    goods_minor: o.totals.goods.minor,
    freight_minor: o.totals.freight.minor,
    discount_minor: o.totals.discount.minor,
    paid_minor: o.totals.paid.minor,
    paid_at: o.paidAt ?? null,
    received_at: o.source.receivedAt,
    created_at: o.createdAt,
    province: o.address.province,
    city: o.address.city,
    // As the platform sent it (ciphertext, masked or plaintext); never decrypted or derived.
    buyer_phone: phone ? JSON.stringify(phone) : null,
    buyer_phone_hash: hashPhone ? hashPhone(phone) : null,
    projected_at: p.at,
  };
}
