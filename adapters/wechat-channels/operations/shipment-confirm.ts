import { z } from 'zod';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { ADAPTER_ID, WeChatId, type WeChatTransport } from '../transport.js';
import { fetchOrder } from './order-get.js';

export const WeChatShipInput = z
  .object({
    orderId: WeChatId,
    trackingNumber: z.string().min(1),
    /** The shop's courier id (`delivery_id` from /channels/ec/order/deliverycompanylist/get), e.g. SF, YTO. */
    carrierCode: z.string().min(1),
  })
  .strict();

/**
 * `/channels/ec/order/delivery/send`: the whole order under one waybill. The package lists every
 * product and SKU of the order with its count, read from the order first.
 * UNVERIFIED: `deliver_type` 1 (express) and `product_infos` per package follow WeChat's shop
 * docs as summarised in docs/adapters/wechat-channels.md; the older mini-shop API
 * (/product/delivery/send) took only delivery_id and waybill_id.
 */
export async function confirmShipment(transport: WeChatTransport, rawInput: unknown, ctx: InvokeContext): Promise<{ confirmed: true }> {
  const input = parseOrReject(ADAPTER_ID, WeChatShipInput, rawInput, 'shipment.confirm input');
  const { order } = await fetchOrder(transport, input.orderId, ctx);
  const products = order.order_detail.product_infos.map((p) => ({ product_id: p.product_id, sku_id: p.sku_id, product_cnt: p.sku_cnt }));
  await transport.call('/channels/ec/order/delivery/send', { order_id: input.orderId, delivery_list: [{ delivery_id: input.carrierCode, waybill_id: input.trackingNumber, deliver_type: 1, product_infos: products }] }, ctx);
  return { confirmed: true };
}
