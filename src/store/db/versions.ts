import type { Transaction } from 'kysely';
import { maskAddress } from '../../canonical/mask.js';
import type { CanonicalOrder } from '../../canonical/order.js';
import type { OrderProjection } from './projection.js';
import type { Database } from './schema.js';

/** One field of an order that changed, before and after; addresses masked. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** The audited fields of an order, in a comparable form: address masked, refunds per line. */
export function auditedFields(v: { state: string; platformStatus: string; holdReason: string | null; waybillNo: string | null; order: CanonicalOrder }): Record<string, unknown> {
  return {
    state: v.state,
    platformStatus: v.platformStatus,
    holdReason: v.holdReason,
    waybillNo: v.waybillNo,
    address: maskAddress(v.order.address),
    refunds: Object.fromEntries(v.order.lines.map((l) => [l.lineId, l.refundStatus])),
    lines: v.order.lines.map((l) => l.lineId),
  };
}

export function diff(before: Record<string, unknown> | null, after: Record<string, unknown>): FieldChange[] {
  return Object.keys(after)
    .filter((k) => !before || JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((field) => ({ field, before: before ? (before[field] ?? null) : null, after: after[field] ?? null }));
}

/**
 * Records a version when a projection changed an audited field. Who and why come from the
 * timeline entries the projection added: the newest one not by the hub itself (an API key's
 * name, `platform`), else the newest.
 */
export async function recordVersion(trx: Transaction<Database>, p: OrderProjection, before: Record<string, unknown> | null, previousTimeline: number): Promise<void> {
  const changes = diff(before, auditedFields({ ...p, holdReason: p.hold?.reason ?? null }));
  if (!changes.length) return;
  const added = p.timeline.slice(previousTimeline);
  // Who asked, not the hub's own follow-up notes (a re-issued waybill after a person's change).
  const last = added.findLast((e) => e.actor !== 'hub') ?? added[added.length - 1] ?? p.timeline[p.timeline.length - 1];
  await trx
    .insertInto('order_versions')
    .values({ workflow_id: p.workflowId, seq: p.seq, at: last?.at ?? p.at, actor: last?.actor ?? 'hub', cause: last?.cause ?? (before ? 'changed' : 'received'), changes: JSON.stringify(changes), restorable: JSON.stringify({ address: p.order.address }) })
    .onConflict((oc) => oc.columns(['workflow_id', 'seq']).doNothing())
    .execute();
}
