import type { RequestScope } from '../../../src/sdk/define.js';
import { z } from 'zod';
import type { WdtConfig } from '../config.js';
import type { WdtTransport } from '../transport.js';

/** logistics.sync, step 1: the shipments the WMS wants synced back to the sales platform. */
export const LogisticsPendingInput = z.object({ action: z.literal('pending'), limit: z.number().int().min(1).max(100).default(100) }).strict();
export type LogisticsPendingInput = z.output<typeof LogisticsPendingInput>;

export interface PendingShipment {
  /** Opaque: enterprise rec_id (may exceed 2^53, kept as text) or ultimate sync_id. Give it back to ack. */
  syncId: string;
  tid: string;
  logisticsNo: string;
  /** WDT's logistics code: enterprise `logistics_type` (物流代码表), ultimate `logistics_code`. */
  logisticsCode: string;
  logisticsName: string;
  /** Split shipments name their lines; empty means the whole trade. */
  oids: string[];
}

const Id = z.union([z.string(), z.number()]).transform(String);
const Text = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? '' : String(v)));
const oids = (s: string) => s.split(',').map((x) => x.trim()).filter((x) => x);

const EnterpriseRow = z.object({ rec_id: Id, tid: Id, logistics_no: Text, logistics_type: Text, logistics_name: Text, oids: Text }).passthrough();
const EnterpriseBody = z.object({ trades: z.array(EnterpriseRow).nullish() });
const UltimateRow = z.object({ sync_id: Id, tid: Id, logistics_no: Text, logistics_code: Text, logistics_name: Text, oids: Text }).passthrough();
const UltimateBody = z.object({ data: z.array(UltimateRow).nullish() });

/** `logistics_sync_query.php` / `sales.LogisticsSync.getSyncListExt`: read, never consume; ack settles each row. */
export async function logisticsPending(t: WdtTransport, config: WdtConfig, input: LogisticsPendingInput, scope: RequestScope | AbortSignal): Promise<PendingShipment[]> {
  if (t.edition === 'enterprise') {
    const body = EnterpriseBody.parse(await t.enterprise('logistics_sync_query.php', { shop_no: config.shopNo, limit: String(input.limit) }, scope));
    return (body.trades ?? []).map((r) => ({ syncId: r.rec_id, tid: r.tid, logisticsNo: r.logistics_no, logisticsCode: r.logistics_type, logisticsName: r.logistics_name, oids: oids(r.oids) }));
  }
  const body = UltimateBody.parse(
    await t.ultimate('sales.LogisticsSync.getSyncListExt', [{ shop_no: config.shopNo, is_own_platform: true }], scope, { pageSize: input.limit, pageNo: 0 }),
  );
  return (body.data ?? []).map((r) => ({ syncId: r.sync_id, tid: r.tid, logisticsNo: r.logistics_no, logisticsCode: r.logistics_code, logisticsName: r.logistics_name, oids: oids(r.oids) }));
}
