import { z } from 'zod';
import { CanonicalOrder, Money, type Pii } from '../../../src/canonical/order.js';
import { PLATFORM, REFUND_STATUS } from '../../../src/canonical/status.js';
import type { InvokeContext } from '../../../src/sdk/define.js';
import { AdapterError } from '../../../src/sdk/errors.js';
import { parseOrReject } from '../../_shared/platform-http.js';
import { EWAYBILL_METHOD, EwaybillErrInfo, packIdFor, type DouyinEwaybillConfig } from '../ewaybill.js';
import { ADAPTER_ID, type DouyinTransport } from '../transport.js';

/** The sender printed on the label; it must be an address the shop's e-waybill subscription ships from. */
export const EwaybillSender = z.object({ name: z.string().min(1), phone: z.string().min(1), province: z.string().min(1), city: z.string().min(1), district: z.string().min(1), address: z.string().min(1) }).strict();

/** waybill.create as the lifecycle sends it without an outbound mapping (workflows/lifecycle/waybill.ts). */
export const EwaybillCreateInput = z
  .object({
    order: CanonicalOrder,
    /** The hub's id of this waybill request (workflow id + step): for logs; pack_id derives from ctx.idempotencyKey. */
    orderId: z.string().min(1),
    sender: EwaybillSender,
    surcharge: Money.nullish(),
    /** Gift lines' waybill text, printed as the order remark. */
    notes: z.array(z.string()).default([]),
  })
  .strict();

export const EwaybillCreateOutput = z
  .object({
    waybillNo: z.string().min(1),
    /** The package id the waybill was issued under (what a retry asks with again). */
    orderId: z.string().min(1),
    logisticsCode: z.string().min(1),
    /** 三段码 / 大头笔 the label prints; null when Douyin gave none. */
    sortCode: z.string().nullable(),
  })
  .strict();
export type EwaybillCreateOutput = z.output<typeof EwaybillCreateOutput>;

const EbillInfo = z.looseObject({ order_id: z.string().nullish(), pack_id: z.string().nullish(), track_no: z.string().min(1), sort_code: z.string().nullish(), company: z.string().nullish() });
const CreateData = z.looseObject({ ebill_infos: z.array(EbillInfo).nullish(), err_infos: z.array(EwaybillErrInfo).nullish() });

/** Text of a per-order error that says "try later" (the platform's own trouble), as the transport reads envelopes. */
const TRANSIENT = /限流|频繁|繁忙|超时|稍后重试|系统异常|busy|timeout/i;

/** What Douyin asks for: its own ciphertext (never decrypted by the hub), else plaintext; a mask cannot be delivered to. */
function deliverable(p: Pii | null | undefined, field: string, orderId: string): string {
  const v = p?.ciphertext ?? p?.plaintext;
  if (v) return v;
  throw AdapterError.rejected(ADAPTER_ID, 'receiver-incomplete', `order ${orderId}: ${field} has neither the platform's ciphertext nor plaintext; an e-waybill cannot be issued to a masked ${field}`);
}

/** The receiver of a Douyin order as logistics.newCreateOrder takes it: region names, ciphertext contact and detail. */
export function ewaybillReceiver(order: CanonicalOrder) {
  const id = order.source.platformOrderId;
  const a = order.address;
  if (!a.province) throw AdapterError.rejected(ADAPTER_ID, 'receiver-incomplete', `order ${id}: address.province is empty`);
  return {
    address: {
      country_code: 'CHN',
      province_name: a.province,
      // County-level units directly under a province (济源) have no city: Douyin's own post_addr leaves it empty too.
      city_name: a.city ?? '',
      district_name: a.district ?? '',
      ...(a.street ? { street_name: a.street } : {}),
      detail_address: deliverable(a.detail, 'address detail', id),
    },
    contact: { name: deliverable(order.recipient.name, 'recipient name', id), mobile: deliverable(order.recipient.phone, 'recipient phone', id) },
  };
}

/** Only a Douyin order's own ciphertext can be printed by Douyin; other platforms' orders need order_channel, not supported here. */
export function douyinOrderOf(order: CanonicalOrder): string {
  if (order.source.platform !== PLATFORM.DOUYIN) {
    throw AdapterError.rejected(ADAPTER_ID, 'not-a-douyin-order', `order ${order.source.platformOrderId}: source.platform is ${order.source.platform}; the Douyin e-waybill connector issues waybills for Douyin orders only`);
  }
  return order.source.platformOrderId;
}

/**
 * logistics.newCreateOrder (取号) for one Douyin order, one package: the receiver goes as the
 * platform's ciphertext, the package id derives from the idempotency key, so a retried call gets
 * the number already issued. A per-order refusal comes back in err_infos with the call itself
 * successful; it is rejected (or retried when its text says "try later").
 */
export async function createEwaybill(transport: DouyinTransport, config: DouyinEwaybillConfig, rawInput: unknown, ctx: InvokeContext): Promise<EwaybillCreateOutput> {
  const input = parseOrReject(ADAPTER_ID, EwaybillCreateInput, rawInput, 'waybill.create input');
  const order = input.order;
  const douyinOrderId = douyinOrderOf(order);
  const packId = packIdFor(ctx.idempotencyKey);
  const s = input.sender;
  const items = order.lines.filter((l) => l.refundStatus !== REFUND_STATUS.REFUNDED).map((l) => ({ item_name: [...l.title].slice(0, 60).join(''), ...(l.spec ? { item_specs: l.spec } : {}), item_count: l.quantity }));
  if (!items.length) throw AdapterError.rejected(ADAPTER_ID, 'no-items', `order ${douyinOrderId}: every line is refunded, nothing to ship`);
  const params = {
    logistics_code: config.logisticsCode,
    ...(config.userId ? { user_id: Number(config.userId) } : {}),
    sender_info: {
      address: { country_code: 'CHN', province_name: s.province, city_name: s.city, district_name: s.district, detail_address: s.address },
      contact: { name: s.name, mobile: s.phone },
    },
    order_infos: [
      {
        order_id: douyinOrderId,
        pack_id: packId,
        receiver_info: ewaybillReceiver(order),
        items,
        ...(config.productType ? { product_type: config.productType } : {}),
        ...(input.notes.length ? { remark: [...input.notes.join('; ')].slice(0, 100).join('') } : {}),
      },
    ],
  };
  const data = parseOrReject(ADAPTER_ID, CreateData, await transport.call(EWAYBILL_METHOD.CREATE, params, ctx), `${EWAYBILL_METHOD.CREATE} response`);
  const mine = (r: { order_id?: string | null | undefined; pack_id?: string | null | undefined }) => (r.order_id ?? douyinOrderId) === douyinOrderId && (r.pack_id ?? packId) === packId;
  const issued = (data.ebill_infos ?? []).find(mine);
  if (issued) {
    ctx.logger.info({ douyinOrderId, packId, waybillNo: issued.track_no, logisticsCode: config.logisticsCode }, 'douyin e-waybill issued');
    return { waybillNo: issued.track_no, orderId: packId, logisticsCode: issued.company || config.logisticsCode, sortCode: issued.sort_code || null };
  }
  const err = (data.err_infos ?? []).find(mine);
  if (err) {
    const text = `${EWAYBILL_METHOD.CREATE}: order ${douyinOrderId}: ${[err.err_code, err.err_msg].filter((x) => x).join(' / ')}`;
    throw new AdapterError(ADAPTER_ID, `ewaybill-${err.err_code ?? 'error'}`, text, TRANSIENT.test(err.err_msg ?? ''));
  }
  throw AdapterError.rejected(ADAPTER_ID, 'bad_response', `${EWAYBILL_METHOD.CREATE}: neither ebill_infos nor err_infos names order ${douyinOrderId} package ${packId}`);
}
