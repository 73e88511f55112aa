import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { StoreDb } from './connect.js';
import type { Database } from './schema.js';

/** Sort keys of the order search; `-` first means descending. */
export const ORDER_SORTS = ['receivedAt', '-receivedAt', 'paidAmount', '-paidAmount'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export interface OrderSearch {
  platformOrderId?: string;
  waybillNo?: string;
  shop?: string;
  channel?: string;
  platform?: string;
  state?: string;
  holdReason?: string;
  sku?: string;
  /** ISO-8601 with offset; from inclusive, to exclusive. */
  paidFrom?: string;
  paidTo?: string;
  buyerPhoneHash?: string;
  province?: string;
  city?: string;
  /** true: only imported orders; false: only lifecycle ones; absent: both. */
  historical?: boolean;
}

export interface OrderCursor {
  /** The sort column's value of the last row returned (ISO time or minor units). */
  k: string | number;
  id: string;
}

export interface OrderSummary {
  workflowId: string;
  orderKey: string;
  platform: string;
  channel: string;
  shop: string;
  platformOrderId: string;
  state: string;
  platformStatus: string;
  holdReason: string | null;
  waybillNo: string | null;
  carrier: string | null;
  skus: string[];
  paid: { minor: number; currency: string };
  paidAt: string | null;
  receivedAt: string;
  province: string | null;
  city: string | null;
  seq: number;
  projectedAt: string;
  /** Imported from an old system (`zhongshu import orders`): no workflow, state `historical`. */
  historical: boolean;
}

export interface OrderPage {
  orders: OrderSummary[];
  nextCursor: OrderCursor | null;
  totals: { orders: number; paid: { minor: number; currency: string }[] };
}

type Q = SelectQueryBuilder<Database, 'searchable_orders', object>;

function filtered<T extends Q>(q: T, f: OrderSearch): T {
  let out = q;
  const eq = (col: 'platform_order_id' | 'shop' | 'channel' | 'platform' | 'state' | 'hold_reason' | 'buyer_phone_hash' | 'province' | 'city', v: string | undefined) => {
    if (v !== undefined) out = out.where(col, '=', v) as T;
  };
  eq('platform_order_id', f.platformOrderId);
  eq('shop', f.shop);
  eq('channel', f.channel);
  eq('platform', f.platform);
  eq('state', f.state);
  eq('hold_reason', f.holdReason);
  eq('buyer_phone_hash', f.buyerPhoneHash);
  eq('province', f.province);
  eq('city', f.city);
  if (f.historical !== undefined) out = out.where('historical', '=', f.historical) as T;
  if (f.sku !== undefined) out = out.where(sql<boolean>`skus @> array[${f.sku}]::text[]`) as T;
  if (f.paidFrom !== undefined) out = out.where('paid_at', '>=', new Date(f.paidFrom)) as T;
  if (f.paidTo !== undefined) out = out.where('paid_at', '<', new Date(f.paidTo)) as T;
  const waybill = f.waybillNo;
  if (waybill !== undefined) {
    out = out.where((eb: ExpressionBuilder<Database, 'searchable_orders'>) =>
      eb.exists(eb.selectFrom('order_waybills as w').select('w.workflow_id').whereRef('w.workflow_id', '=', 'searchable_orders.workflow_id').where('w.waybill_no', '=', waybill)),
    ) as T;
  }
  return out;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One page of orders matching every given filter, with the totals of all matches. */
export async function searchOrders(store: StoreDb, f: OrderSearch, page: { limit: number; sort: OrderSort; cursor: OrderCursor | null }): Promise<OrderPage> {
  const desc = page.sort.startsWith('-');
  const col = page.sort.endsWith('paidAmount') ? 'paid_minor' : 'received_at';
  const dir = desc ? 'desc' : 'asc';
  let q = filtered(store.db.selectFrom('searchable_orders').selectAll(), f);
  if (page.cursor) {
    const k = col === 'received_at' ? new Date(String(page.cursor.k)) : Number(page.cursor.k);
    const id = page.cursor.id;
    q = q.where((eb) => eb.or([eb(col, desc ? '<' : '>', k), eb.and([eb(col, '=', k), eb('workflow_id', desc ? '<' : '>', id)])]));
  }
  const rows = await q.orderBy(col, dir).orderBy('workflow_id', dir).limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const totals = await filtered(store.db.selectFrom('searchable_orders').select(['currency', sql<number>`count(*)::int`.as('n'), sql<string>`coalesce(sum(paid_minor), 0)::text`.as('paid')]), f)
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  const last = shown[shown.length - 1];
  return {
    orders: shown.map((r) => ({
      workflowId: r.workflow_id,
      orderKey: r.order_key,
      platform: r.platform,
      channel: r.channel,
      shop: r.shop,
      platformOrderId: r.platform_order_id,
      state: r.state,
      platformStatus: r.platform_status,
      holdReason: r.hold_reason,
      waybillNo: r.waybill_no,
      carrier: r.carrier,
      skus: r.skus,
      paid: { minor: r.paid_minor, currency: r.currency },
      paidAt: iso(r.paid_at),
      receivedAt: r.received_at.toISOString(),
      province: r.province,
      city: r.city,
      seq: r.seq,
      projectedAt: r.projected_at.toISOString(),
      historical: r.historical,
    })),
    nextCursor: more && last ? { k: col === 'received_at' ? last.received_at.toISOString() : last.paid_minor, id: last.workflow_id } : null,
    totals: {
      orders: totals.reduce((n, t) => n + t.n, 0),
      // Summed in SQL as bigint and checked here: a sum past 2^53 must not round silently.
      paid: totals.map((t) => ({ minor: safeMinor(t.paid), currency: t.currency })),
    },
  };
}

function safeMinor(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`total ${v} is beyond the safe integer range`);
  return n;
}
