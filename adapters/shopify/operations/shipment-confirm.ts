import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, type ShopifyAdmin } from '../admin.js';
import { ShopifyId } from './inventory-push.js';

export const ShopifyShipInput = z
  .object({
    orderId: ShopifyId,
    trackingNumber: z.string().min(1),
    /** Shopify's tracking company: free text, a name from its carrier list ("SF Express"), from mappings/_tables/carrier-codes.json. */
    carrierCode: z.string().min(1),
  })
  .strict();

/** Fulfillment order statuses that still take a fulfillment; closed, cancelled, incomplete, on_hold and scheduled do not. */
const FULFILLABLE = new Set(['open', 'in_progress']);

const FulfillmentOrders = z.looseObject({
  fulfillment_orders: z.array(z.looseObject({ id: z.number().int(), status: z.string(), assigned_location_id: z.number().int().nullish() })),
});

const Fulfillments = z.looseObject({
  fulfillments: z.array(z.looseObject({ status: z.string(), tracking_number: z.string().nullish(), tracking_numbers: z.array(z.string()).nullish() })),
});

const Created = z.looseObject({ fulfillment: z.looseObject({ id: z.number().int() }) });

/** A fulfillment that cancelled or failed does not count as the parcel having been reported. */
const DEAD_FULFILLMENT = new Set(['cancelled', 'error', 'failure']);

/**
 * 发货回传 through the fulfillment-order flow: `GET orders/{id}/fulfillment_orders.json`, then one
 * `POST fulfillments.json` per assigned location (Shopify takes only one location's fulfillment
 * orders per fulfillment) naming the open fulfillment orders whole, with the tracking info. A
 * retry after a partly done call finds only what is still open. Nothing open is a refusal unless
 * a live fulfillment already carries this tracking number: then an earlier attempt did it.
 */
export async function confirmShipment(
  deps: { admin: ShopifyAdmin | null; notifyCustomer: boolean },
  rawInput: unknown,
  ctx: InvokeContext,
): Promise<{ confirmed: true; fulfillmentIds: string[] }> {
  const input = parseOrReject(ADAPTER_ID, ShopifyShipInput, rawInput, 'shipment.confirm input');
  const { admin } = deps;
  if (!admin) throw AdapterError.rejected(ADAPTER_ID, 'not-configured', 'shipment.confirm needs adminAccessToken in the connector config');
  const order = encodeURIComponent(input.orderId);
  const fos = parseOrReject(
    ADAPTER_ID,
    FulfillmentOrders,
    await admin.get(`/orders/${order}/fulfillment_orders.json`, ctx, '/orders/{id}/fulfillment_orders.json'),
    'fulfillment_orders response',
  ).fulfillment_orders;
  const open = fos.filter((fo) => FULFILLABLE.has(fo.status));
  if (open.length === 0) {
    const done = parseOrReject(ADAPTER_ID, Fulfillments, await admin.get(`/orders/${order}/fulfillments.json`, ctx, '/orders/{id}/fulfillments.json'), 'fulfillments response').fulfillments;
    const already = done.some((f) => !DEAD_FULFILLMENT.has(f.status) && (f.tracking_number === input.trackingNumber || (f.tracking_numbers ?? []).includes(input.trackingNumber)));
    if (already) return { confirmed: true, fulfillmentIds: [] };
    const statuses = fos.length === 0 ? 'none' : [...new Set(fos.map((fo) => fo.status))].join(', ');
    throw AdapterError.rejected(
      ADAPTER_ID,
      'no-open-fulfillment-order',
      `order ${input.orderId}: no open fulfillment order to ship with ${input.trackingNumber} (fulfillment order status: ${statuses}); it was fulfilled elsewhere, closed or cancelled`,
    );
  }
  const byLocation = new Map<string, number[]>();
  for (const fo of open) {
    const key = String(fo.assigned_location_id ?? '');
    byLocation.set(key, [...(byLocation.get(key) ?? []), fo.id]);
  }
  const ids: string[] = [];
  for (const foIds of byLocation.values()) {
    const body = {
      fulfillment: {
        line_items_by_fulfillment_order: foIds.map((id) => ({ fulfillment_order_id: id })),
        tracking_info: { company: input.carrierCode, number: input.trackingNumber },
        notify_customer: deps.notifyCustomer,
      },
    };
    const created = parseOrReject(ADAPTER_ID, Created, await admin.post('/fulfillments.json', body, ctx), 'fulfillments.json response');
    ids.push(String(created.fulfillment.id));
    ctx.heartbeat();
  }
  return { confirmed: true, fulfillmentIds: ids };
}
