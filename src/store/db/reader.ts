import type { StoreDb } from './connect.js';

/** One stored order as the store has it: the canonical order (jsonb) and the hub's view of it. */
export interface StoredOrder {
  workflowId: string;
  orderKey: string;
  seq: number;
  state: string;
  platformStatus: string;
  hold: unknown;
  holdReason: string | null;
  /** The canonical order as the workflow last projected it (schema: CanonicalOrder). */
  order: unknown;
  timeline: unknown;
  waybillNo: string | null;
  carrier: string | null;
  waybills: { waybillNo: string; carrier: string | null; live: boolean; confirmedAt: string | null }[];
  shipConfirmations: unknown;
  buyerPhone: unknown;
  paidAt: string | null;
  receivedAt: string;
  projectedAt: string;
}

export async function readStoredOrder(store: StoreDb, workflowId: string): Promise<StoredOrder | null> {
  const r = await store.db.selectFrom('orders').selectAll().where('workflow_id', '=', workflowId).executeTakeFirst();
  if (!r) return null;
  const waybills = await store.db.selectFrom('order_waybills').selectAll().where('workflow_id', '=', workflowId).orderBy('first_seq').execute();
  return {
    workflowId: r.workflow_id,
    orderKey: r.order_key,
    seq: r.seq,
    state: r.state,
    platformStatus: r.platform_status,
    hold: r.hold,
    holdReason: r.hold_reason,
    order: r.canonical,
    timeline: r.timeline,
    waybillNo: r.waybill_no,
    carrier: r.carrier,
    waybills: waybills.map((w) => ({ waybillNo: w.waybill_no, carrier: w.carrier, live: w.live, confirmedAt: w.confirmed_at ? w.confirmed_at.toISOString() : null })),
    shipConfirmations: r.ship_confirmations,
    buyerPhone: r.buyer_phone,
    paidAt: r.paid_at ? r.paid_at.toISOString() : null,
    receivedAt: r.received_at.toISOString(),
    projectedAt: r.projected_at.toISOString(),
  };
}

/** How many stored orders each call of the month stream reads at once. */
const MONTH_BATCH = 500;

/** The instants bounding a calendar month (`2026-11`) at a UTC offset (`+08:00`): [from, to). */
export function monthBounds(month: string, offset = '+08:00'): { from: Date; to: Date } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new Error(`month: expected YYYY-MM, got "${month}"`);
  if (!/^[+-]\d{2}:\d{2}$/.test(offset)) throw new Error(`offset: expected ±hh:mm, got "${offset}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: new Date(`${month}-01T00:00:00${offset}`), to: new Date(`${next}-01T00:00:00${offset}`) };
}

export interface MonthOrder {
  workflowId: string;
  state: string;
  holdReason: string | null;
  /** The canonical order as stored (schema: CanonicalOrder); the reader parses it. */
  order: unknown;
  paidAt: string | null;
  receivedAt: string;
}

/**
 * Every stored order paid (or received) in a month, oldest first, read in keyset batches so a
 * month of 100k orders never sits in memory: the finance reconciliation's source.
 */
export async function* streamOrdersByMonth(store: StoreDb, o: { month: string; by: 'paid' | 'received'; offset?: string }): AsyncIterable<MonthOrder> {
  const { from, to } = monthBounds(o.month, o.offset);
  const col = o.by === 'paid' ? 'paid_at' : 'received_at';
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    let q = store.db
      .selectFrom('orders')
      .select(['workflow_id', 'state', 'hold_reason', 'canonical', 'paid_at', 'received_at'])
      .where(col, '>=', from)
      .where(col, '<', to);
    if (after) {
      const a = after;
      q = q.where((eb) => eb.or([eb(col, '>', a.at), eb.and([eb(col, '=', a.at), eb('workflow_id', '>', a.id)])]));
    }
    const rows = await q.orderBy(col).orderBy('workflow_id').limit(MONTH_BATCH).execute();
    for (const r of rows) {
      yield { workflowId: r.workflow_id, state: r.state, holdReason: r.hold_reason, order: r.canonical, paidAt: r.paid_at ? r.paid_at.toISOString() : null, receivedAt: r.received_at.toISOString() };
    }
    const last = rows[rows.length - 1];
    if (rows.length < MONTH_BATCH || !last) return;
    const at = o.by === 'paid' ? last.paid_at : last.received_at;
    if (!at) return;
    after = { at, id: last.workflow_id };
  }
}

export interface OrderVersion {
  seq: number;
  at: string;
  actor: string;
  cause: string;
  /** Each changed field before and after; addresses masked, no phone or name. */
  changes: unknown;
}

/** An order's audit trail, oldest first. */
export async function readVersions(store: StoreDb, workflowId: string): Promise<OrderVersion[]> {
  const rows = await store.db.selectFrom('order_versions').select(['seq', 'at', 'actor', 'cause', 'changes']).where('workflow_id', '=', workflowId).orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, cause: r.cause, changes: r.changes }));
}

/** What a rollback to a version re-applies: the editable fields as stored then (unmasked, as sent). */
export async function readRestorable(store: StoreDb, workflowId: string, seq: number): Promise<unknown> {
  const r = await store.db.selectFrom('order_versions').select('restorable').where('workflow_id', '=', workflowId).where('seq', '=', seq).executeTakeFirst();
  return r ? r.restorable : undefined;
}
