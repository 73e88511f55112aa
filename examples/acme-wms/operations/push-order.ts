import { z } from 'zod';
import { parseOrReject } from '../../../adapters/_shared/platform-http.js';
import type { InvokeContext } from '../../../src/sdk/define.js';
import type { AcmeConfig } from '../index.js';
import { ADAPTER_ID, type AcmeTransport } from '../transport.js';

const PushInput = z.object({
  orderKey: z.string().min(1),
  order: z.object({ lines: z.array(z.object({ lineId: z.string(), merchantSku: z.string().nullable(), quantity: z.number().int().positive(), gift: z.object({ labelPosition: z.string().nullable() }).optional() })).min(1) }),
});
const PushReply = z.object({ ok: z.literal(true), outboundId: z.string().min(1), code: z.string() });

/** wms.order.push: one outbound order, keyed by the call's idempotency key so a retry is not a second parcel. */
export async function pushOrder(t: AcmeTransport, config: AcmeConfig, input: unknown, ctx: InvokeContext): Promise<{ outboundId: string; feedbackCode: string }> {
  const i = parseOrReject(ADAPTER_ID, PushInput, input, 'wms.order.push input');
  const lines = i.order.lines.map((l) => ({ sku: l.merchantSku, qty: l.quantity, label: l.gift?.labelPosition ?? null }));
  const body = await t.post('/outbound', { reference: ctx.idempotencyKey, warehouse: config.warehouse, lines }, ctx, ctx.idempotencyKey);
  const reply = parseOrReject(ADAPTER_ID, PushReply, body, '/outbound answer');
  return { outboundId: reply.outboundId, feedbackCode: reply.code };
}
