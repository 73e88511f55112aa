import { sql } from 'kysely';
import type { StoreDb } from './connect.js';
import type { PhoneHasher } from './phone-hash.js';
import { orderRow, type OrderProjection } from './projection.js';
import { CanonicalOrder } from '../../canonical/order.js';
import { auditedFields, recordVersion } from './versions.js';

/**
 * Writes one projection. The row is replaced only when the stored seq is lower, in one
 * transaction with its waybills, so retries, replays and out-of-order deliveries of the same
 * workflow's writes converge on its newest view. Returns false when the write was stale.
 */
export async function writeProjection(store: StoreDb, p: OrderProjection, hashPhone: PhoneHasher | null, opts: { replaceUnprojected?: boolean } = {}): Promise<boolean> {
  const row = orderRow(p, hashPhone);
  return store.db.transaction().execute(async (trx) => {
    // The row as it was, locked until this write commits: the version records what changed from it.
    const prev = await trx
      .selectFrom('orders')
      .select(['state', 'platform_status', 'hold_reason', 'waybill_no', 'canonical', sql<number>`jsonb_array_length(timeline)`.as('timeline_len')])
      .where('workflow_id', '=', p.workflowId)
      .forUpdate()
      .executeTakeFirst();
    const { workflow_id: _id, first_projected_at: _first, ship_confirmations: _sc, ...updatable } = row;
    const written = await trx
      .insertInto('orders')
      .values(row)
      .onConflict((oc) =>
        oc
          .column('workflow_id')
          .doUpdateSet(updatable)
          // A back-fill (seq 0) may refresh a row no workflow projection wrote, never one it did.
          .where((eb) => (opts.replaceUnprojected ? eb.or([eb('orders.seq', '<', p.seq), eb('orders.seq', '=', 0)]) : eb('orders.seq', '<', p.seq))),
      )
      .returning('workflow_id')
      .executeTakeFirst();
    if (!written) return false;
    const prevOrder = prev ? CanonicalOrder.safeParse(prev.canonical) : null;
    const before = prev && prevOrder?.success ? auditedFields({ state: prev.state, platformStatus: prev.platform_status, holdReason: prev.hold_reason, waybillNo: prev.waybill_no, order: prevOrder.data }) : null;
    await recordVersion(trx, p, before, prev?.timeline_len ?? 0);

    if (p.waybillNo) {
      await trx
        .insertInto('order_waybills')
        .values({ waybill_no: p.waybillNo, workflow_id: p.workflowId, carrier: p.carrier, first_seq: p.seq, live: true, confirmed_at: null })
        .onConflict((oc) => oc.columns(['workflow_id', 'waybill_no']).doUpdateSet({ live: true, carrier: p.carrier }))
        .execute();
    }
    // A re-issued or cancelled waybill stays findable, marked no longer live.
    let stale = trx.updateTable('order_waybills').set({ live: false }).where('workflow_id', '=', p.workflowId);
    if (p.waybillNo) stale = stale.where('waybill_no', '<>', p.waybillNo);
    await stale.execute();
    if (p.confirmedWaybill) {
      await trx
        .insertInto('order_waybills')
        .values({ waybill_no: p.confirmedWaybill, workflow_id: p.workflowId, carrier: p.carrier, first_seq: p.seq, live: p.confirmedWaybill === p.waybillNo, confirmed_at: p.at })
        .onConflict((oc) => oc.columns(['workflow_id', 'waybill_no']).doUpdateSet({ confirmed_at: sql`coalesce(order_waybills.confirmed_at, excluded.confirmed_at)` }))
        .execute();
    }
    await trx
      .updateTable('orders')
      .set({
        ship_confirmations: sql`(select coalesce(jsonb_agg(jsonb_build_object('waybillNo', w.waybill_no, 'carrier', w.carrier, 'at', w.confirmed_at) order by w.confirmed_at), '[]'::jsonb) from order_waybills w where w.workflow_id = ${p.workflowId} and w.confirmed_at is not null)`,
      })
      .where('workflow_id', '=', p.workflowId)
      .execute();
    return true;
  });
}
