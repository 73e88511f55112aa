import type { RequestScope } from '../../../src/sdk/define.js';
import { z } from 'zod';
import type { WdtConfig } from '../config.js';
import type { WdtTransport } from '../transport.js';

/** What the hub did with one pending shipment. */
export const ACK_RESULT = { OK: 'ok', RETRY: 'retry', FAIL: 'fail' } as const;

/** logistics.sync, step 2: settle the rows read by `pending`. */
export const LogisticsAckInput = z
  .object({
    action: z.literal('ack'),
    acks: z
      .array(z.object({ syncId: z.string().min(1), result: z.enum(ACK_RESULT), message: z.string().max(255).default('') }).strict())
      .min(1)
      .max(50),
  })
  .strict();
export type LogisticsAckInput = z.output<typeof LogisticsAckInput>;

export interface LogisticsAckOutput {
  /** Rows sent to the WMS. */
  acked: string[];
  /** Rows deliberately left pending (enterprise `retry`: see below). */
  leftPending: string[];
  /** Per-row failures the WMS reported while the call itself succeeded. */
  errors: { syncId: string | null; message: string }[];
}

/**
 * Ultimate `update` status: 0 synced, -100 "still needs syncing" (returned again later), 2 failed.
 * Enterprise `logistics_sync_ack.php` status: 0 success, 1 failure; it has no "retry" value, and a
 * row not acknowledged stays in the pool and is returned by the next query, so `retry` is simply
 * not sent (UNVERIFIED beyond the vendor's note that un-acked rows are not marked synced).
 */
const ULTIMATE_STATUS = { ok: 0, retry: -100, fail: 2 } as const;
const ENTERPRISE_STATUS = { ok: 0, fail: 1 } as const;

/** Ids are sent back as numbers when they fit (the documented type), as text when they would not. */
function idValue(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

const EnterpriseBody = z.object({
  errors: z.array(z.object({ rec_id: z.union([z.string(), z.number()]).transform(String), error: z.string().nullish() }).passthrough()).nullish(),
});
const UltimateBody = z.object({ data: z.array(z.string()).nullish() });

export async function logisticsAck(t: WdtTransport, _config: WdtConfig, input: LogisticsAckInput, scope: RequestScope | AbortSignal): Promise<LogisticsAckOutput> {
  if (t.edition === 'enterprise') {
    const send = input.acks.filter((a) => a.result !== ACK_RESULT.RETRY);
    const leftPending = input.acks.filter((a) => a.result === ACK_RESULT.RETRY).map((a) => a.syncId);
    if (send.length === 0) return { acked: [], leftPending, errors: [] };
    const list = send.map((a) => ({ rec_id: idValue(a.syncId), status: a.result === ACK_RESULT.OK ? ENTERPRISE_STATUS.ok : ENTERPRISE_STATUS.fail, message: a.message || (a.result === ACK_RESULT.OK ? '同步成功' : '同步失败') }));
    const body = EnterpriseBody.parse(await t.enterprise('logistics_sync_ack.php', { logistics_list: JSON.stringify(list) }, scope));
    return { acked: send.map((a) => a.syncId), leftPending, errors: (body.errors ?? []).map((e) => ({ syncId: e.rec_id, message: e.error ?? '' })) };
  }
  const list = input.acks.map((a) => ({ sync_id: idValue(a.syncId), status: ULTIMATE_STATUS[a.result], error_msg: a.message }));
  const body = UltimateBody.parse(await t.ultimate('sales.LogisticsSync.update', [list], scope));
  return { acked: input.acks.map((a) => a.syncId), leftPending: [], errors: (body.data ?? []).map((m) => ({ syncId: null, message: m })) };
}
