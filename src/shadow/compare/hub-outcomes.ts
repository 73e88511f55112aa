import { z } from 'zod';
import { CanonicalOrder } from '../../canonical/order.js';
import { CAPABILITY } from '../../sdk/capabilities.js';
import type { StoreDb } from '../../store/db/connect.js';
import type { OrderOutcome } from './outcome.js';

/** The WMS request as the lifecycle's outbound mappings shape it: the order (gift lines included) inside. */
const WmsRequest = z.object({ order: z.object({ lines: z.array(z.object({ lineId: z.string(), merchantSku: z.string().nullable().optional(), quantity: z.number().int() }).loose()) }).loose() }).loose();

/** A line without a merchant SKU is named by its line id, as the WMS trade names it. */
const skuOf = (l: { lineId: string; merchantSku?: string | null | undefined }): string => l.merchantSku ?? l.lineId;
const HoldChange = z.array(z.object({ field: z.string(), after: z.unknown() }).loose());

function addressLine(o: CanonicalOrder): string | null {
  const a = o.address;
  const detail = a.detail ? (a.detail.plaintext ?? a.detail.ciphertext ?? a.detail.masked ?? null) : null;
  const parts = [a.province, a.city, a.district, a.street ?? null, detail].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length ? parts.join(' ') : null;
}

/**
 * The hub's outcome of each order of a channel received in [from, to): from the store's
 * projection (carrier, lines, amounts, address), its versions (every hold reason it had) and its
 * recorded shadow writes (the WMS instruction as it would have been sent).
 */
export async function hubOutcomes(store: StoreDb, q: { channel: string; from: Date; to: Date }): Promise<OrderOutcome[]> {
  const rows = await store.db
    .selectFrom('orders')
    .select(['workflow_id', 'platform_order_id', 'carrier', 'hold_reason', 'canonical'])
    .where('channel', '=', q.channel)
    .where('received_at', '>=', q.from)
    .where('received_at', '<', q.to)
    .orderBy('platform_order_id')
    .execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.workflow_id);
  const versions = await store.db.selectFrom('order_versions').select(['workflow_id', 'changes']).where('workflow_id', 'in', ids).execute();
  const holds = new Map<string, Set<string>>();
  for (const v of versions) {
    const changes = HoldChange.safeParse(v.changes);
    for (const c of changes.success ? changes.data : []) {
      if (c.field === 'holdReason' && typeof c.after === 'string') holds.set(v.workflow_id, (holds.get(v.workflow_id) ?? new Set()).add(c.after));
    }
  }
  const pushes = await store.db.selectFrom('shadow_writes').select(['workflow_id', 'request']).where('workflow_id', 'in', ids).where('capability', '=', CAPABILITY.WMS_ORDER_PUSH).orderBy('id').execute();
  const wms = new Map<string, { sku: string; quantity: number }[]>();
  for (const p of pushes) {
    const r = WmsRequest.safeParse(p.request);
    // The latest push is the instruction the warehouse works from (a re-push replaces the trade).
    if (r.success) wms.set(p.workflow_id, r.data.order.lines.map((l) => ({ sku: skuOf(l), quantity: l.quantity })));
  }
  return rows.map((r) => {
    const order = CanonicalOrder.parse(r.canonical);
    const reasons = holds.get(r.workflow_id) ?? new Set<string>();
    if (r.hold_reason) reasons.add(r.hold_reason);
    const lines = wms.get(r.workflow_id);
    return {
      orderId: r.platform_order_id,
      carrier: r.carrier,
      holds: [...reasons].sort(),
      gifts: order.lines.filter((l) => l.gift).map((l) => ({ sku: skuOf(l), quantity: l.quantity })),
      wms: lines ? { lines } : null,
      address: addressLine(order),
      amounts: { currency: order.currency, goods: order.totals.goods.minor, freight: order.totals.freight.minor, discount: order.totals.discount.minor, paid: order.totals.paid.minor },
    };
  });
}
