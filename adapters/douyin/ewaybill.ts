import { z } from 'zod';
import { carrierOrderId } from '../_shared/waybill.js';

/**
 * The Douyin e-waybill (抖音电子面单) account a connector issues waybills from: the shop's
 * subscription to one logistics company's e-waybill service. Waybills are requested with the
 * order's ciphertext receiver (Douyin decrypts inside its own cloud) and printed through the
 * platform's print component, so neither the hub nor the warehouse ever needs plaintext.
 * Sources and what is UNVERIFIED: docs/adapters/douyin-ewaybill.md.
 */
export const DouyinEwaybillConfig = z
  .object({
    /** Douyin's logistics company code the shop subscribed to (e.g. shunfeng, zhongtong, yuantong). */
    logisticsCode: z.string().regex(/^[a-z0-9_]+$/, 'a Douyin logistics company code, lower case (e.g. shunfeng)').describe("Douyin's logistics company code the shop subscribed to (e.g. shunfeng, zhongtong, yuantong)"),
    /**
     * The same company as a hub courier id (KDNiao ShipperCode: SF, ZTO, YTO...): the shipment
     * confirmation looks the platform's carrier code up under it (mappings/_tables/carrier-codes.json).
     */
    courier: z.string().regex(/^[A-Z0-9]{2,10}$/, 'a hub courier id (KDNiao ShipperCode), e.g. SF').describe('The same company as a hub courier id (KDNiao ShipperCode: SF, ZTO, YTO...); the shipment confirmation looks its platform carrier code up under it'),
    /** Shared-account issuing only: the shop id the waybill is for (Douyin: -1 when unknown). */
    userId: z.string().regex(/^-?\d+$/, 'a Douyin shop id (digits)').optional().describe('Shared-account issuing only: the shop id the waybill is for (-1 when unknown)'),
    /** The company's product (快递产品类型), when the subscription has several. */
    productType: z.string().min(1).optional().describe('The company product (快递产品类型), when the subscription has several'),
  })
  .strict();
export type DouyinEwaybillConfig = z.output<typeof DouyinEwaybillConfig>;

export const EWAYBILL_METHOD = {
  CREATE: 'logistics.newCreateOrder',
  CANCEL: 'logistics.cancelOrder',
  UPDATE: 'logistics.updateOrder',
} as const;

/**
 * The package id a waybill is asked under, a pure function of the hub's idempotency key (the same
 * id the other couriers get as their order id). Douyin answers a repeated order_id + pack_id with
 * the number it already issued (a retry after a lost answer gets the same waybill) and a new
 * pack_id of the same order with a new one (a re-issue after an address change). pack_id takes
 * letters, digits and underscores only; its length limit is UNVERIFIED (the hub's keys hash to 42
 * characters).
 */
export function packIdFor(idempotencyKey: string): string {
  return carrierOrderId(idempotencyKey).replaceAll('-', '_');
}

/** One error row of an e-waybill answer (err_infos[]); err_code is a string there, a number elsewhere. */
export const EwaybillErrInfo = z.looseObject({
  order_id: z.string().nullish(),
  pack_id: z.string().nullish(),
  err_code: z.union([z.string(), z.number()]).transform(String).nullish(),
  err_msg: z.string().nullish(),
});
