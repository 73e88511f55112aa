import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type OwnStoreTransport } from '../transport.js';

export const OwnStoreShipInput = z
  .object({
    orderId: z.string().min(1).max(64).describe("the shop's orderNo"),
    trackingNumber: z.string().min(1),
    /** The hub courier id (KDNiao ShipperCode: SF, YTO, ZTO...): the shop shows it as it likes. */
    carrierCode: z.string().min(1),
  })
  .strict();

/** POST {orderNo, trackingNumber, carrierCode} to the shop's shipment URL. */
export async function confirmShipment(transport: OwnStoreTransport, url: string, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, OwnStoreShipInput, rawInput, 'shipment.confirm input');
  await transport.post('shipment', url, { orderNo: input.orderId, trackingNumber: input.trackingNumber, carrierCode: input.carrierCode }, ctx, ctx.idempotencyKey);
  return { confirmed: true };
}
