import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type SpApiTransport } from '../transport.js';

export const AmazonShipInput = z
  .object({
    orderId: z.string().regex(/^\d{3}-\d{7}-\d{7}$/, 'an AmazonOrderId (3-7-7)'),
    marketplaceId: z.string().min(1),
    trackingNumber: z.string().min(1),
    carrierCode: z.string().min(1),
    shippingMethod: z.string().min(1).optional(),
    shipDate: z.iso.datetime({ offset: true }),
    /** Package reference the seller chooses; the same value makes a retried call the same package. */
    packageReferenceId: z.string().min(1).default('1'),
    lines: z.array(z.object({ lineId: z.string().min(1), quantity: z.number().int().positive() }).strict()).min(1),
  })
  .strict();

/** confirmShipment: POST /orders/v0/orders/{id}/shipmentConfirmation; 204 on success. */
export async function confirmShipment(transport: SpApiTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, AmazonShipInput, rawInput, 'shipment.confirm input');
  await transport.request(
    'POST',
    `/orders/v0/orders/${encodeURIComponent(input.orderId)}/shipmentConfirmation`,
    null,
    {
      marketplaceId: input.marketplaceId,
      packageDetail: {
        packageReferenceId: input.packageReferenceId,
        carrierCode: input.carrierCode,
        ...(input.shippingMethod ? { shippingMethod: input.shippingMethod } : {}),
        trackingNumber: input.trackingNumber,
        shipDate: input.shipDate,
        orderItems: input.lines.map((l) => ({ orderItemId: l.lineId, quantity: l.quantity })),
      },
    },
    ctx,
  );
  return { confirmed: true };
}
