import { z } from 'zod';
import type { SandboxLog } from '../../src/sandbox/core.js';
import { COURIER_STAGE, WAYBILL_STATUS, WaybillBook, type PlatformWaybillCarrier, type SandboxWaybill } from '../../src/sandbox/courier-kit.js';
import { EWAYBILL_METHOD } from './ewaybill.js';
import { DOUYIN_COMPANIES, type DouyinError, type DouyinMethod, type DouyinOutcome } from './sandbox-methods.js';
import { DOUYIN_ORDER_STATUS, type DouyinOrder } from './sandbox-orders.js';

/**
 * The Douyin e-waybill service (抖音电子面单) in the sandbox: logistics.newCreateOrder issues a
 * number per order + package (asked again, the same number), logistics.cancelOrder recycles it
 * before pickup, logistics.updateOrder overwrites its receiver. Waybills are kept live/cancelled
 * like the courier sandboxes keep theirs. The receiver must be the order's own ciphertext: Douyin
 * decrypts it in its cloud for the label, so a masked or foreign value could never be delivered.
 * Per-order refusals of newCreateOrder come back in err_infos with a successful envelope; the
 * err_code values here are representative (UNVERIFIED, docs/adapters/douyin-ewaybill.md).
 */

export const EWAYBILL_ERR = {
  ORDER_NOT_FOUND: { code: '100001', msg: '订单不存在' },
  ORDER_NOT_SHIPPABLE: { code: '100002', msg: '订单状态不允许取号' },
  RECEIVER_MISMATCH: { code: '100003', msg: '收件人信息与订单不一致，请传订单密文' },
  NOT_SUBSCRIBED: { code: '100004', msg: '未开通该物流商电子面单服务' },
} as const;

const Text = z.string().min(1);
const Region = z.looseObject({ country_code: z.string().optional(), province_name: Text, city_name: z.string(), district_name: z.string(), street_name: z.string().optional(), detail_address: Text });
const Contact = z.looseObject({ name: Text, mobile: z.string().optional(), phone: z.string().optional() }).refine((c) => Boolean(c.mobile ?? c.phone), { message: 'mobile or phone is required', path: ['mobile'] });
const Party = z.looseObject({ address: Region, contact: Contact });
const Id = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const CreateParams = z.looseObject({
  logistics_code: Text,
  sender_info: Party,
  user_id: z.number().int().optional(),
  order_infos: z
    .array(
      z.looseObject({
        order_id: Id,
        pack_id: z.string().regex(/^\w+$/, 'letters, digits and underscores').optional(),
        receiver_info: Party,
        items: z.array(z.looseObject({ item_name: Text, item_count: z.number().int().positive() })).min(1),
        remark: z.string().max(100).optional(),
      }),
    )
    .min(1)
    .max(50),
});
const CancelParams = z.looseObject({ logistics_code: Text, track_no: Text, user_id: z.number().int().optional() });
const UpdateParams = z.looseObject({ logistics_code: Text, track_no: Text, receiver_info: Party, sender_info: Party.optional(), user_id: z.number().int().optional() });

/** Shippable: paid, not closed, not shipped yet. */
const SHIPPABLE: ReadonlySet<number> = new Set([DOUYIN_ORDER_STATUS.PAID, DOUYIN_ORDER_STATUS.TO_SHIP, DOUYIN_ORDER_STATUS.PARTLY_SHIPPED]);

/** The number format of the carrier behind the code (SF's 15 characters; others 12 to 15 digits). */
function numberFor(logisticsCode: string, n: number): string {
  const seq = String(n).padStart(8, '0');
  return logisticsCode === 'shunfeng' ? `SF14${seq}021` : `78${seq}0031`;
}

export interface EwaybillDeps {
  orders: Map<string, DouyinOrder>;
  log: SandboxLog;
  clock: () => Date;
  invalid: (field: string, why: string) => { error: DouyinError };
  business: (code: number | null, msg: string) => DouyinOutcome;
  /** Logistics code -> the courier sandbox that carries that company's parcels (told of each number issued and recycled). */
  carriers: () => Readonly<Record<string, PlatformWaybillCarrier>>;
}

export class DouyinEwaybills {
  readonly book: WaybillBook;
  /** Logistics companies the shop subscribed to (an empty set: any company Douyin knows). */
  readonly subscribed = new Set<string>();
  private lastCode = 'shunfeng';

  constructor(private readonly d: EwaybillDeps) {
    this.book = new WaybillBook(d.clock, (n) => numberFor(this.lastCode, n));
  }

  /** The courier has the parcel: the number can no longer be recycled. */
  pickUp(waybillNo: string): SandboxWaybill {
    const w = this.book.get(waybillNo);
    if (!w) throw new Error(`douyin sandbox pickUpEwaybill: waybillNo: no e-waybill ${waybillNo}`);
    if (w.status === WAYBILL_STATUS.CANCELLED) throw new Error(`douyin sandbox pickUpEwaybill: waybillNo: ${waybillNo} was cancelled`);
    w.stage = COURIER_STAGE.PICKED_UP;
    w.pickedUpAt = this.d.clock().toISOString();
    this.d.log.record('ewaybill.picked-up', waybillNo, null);
    return structuredClone(w);
  }

  methods(): Record<string, DouyinMethod> {
    const d = this.d;
    const parse = <S extends z.ZodType>(schema: S, params: Record<string, unknown>): { value: z.output<S> } | { error: DouyinError } => {
      const r = schema.safeParse(params);
      if (r.success) return { value: r.data };
      const i = r.error.issues[0];
      return d.invalid(i?.path.join('.') || '(param_json)', i?.message ?? 'invalid');
    };
    const companyRefusal = (code: string): DouyinOutcome | null => {
      if (!DOUYIN_COMPANIES.has(code)) return d.business(null, `logistics_code: unknown company ${code}`);
      return null;
    };
    return {
      [EWAYBILL_METHOD.CREATE]: (params) => {
        const parsed = parse(CreateParams, params);
        if ('error' in parsed) return parsed;
        const p = parsed.value;
        const refused = companyRefusal(p.logistics_code);
        if (refused) return refused;
        const ebill_infos: Record<string, unknown>[] = [];
        const err_infos: Record<string, unknown>[] = [];
        for (const info of p.order_infos) {
          const packId = info.pack_id ?? '';
          const err = (e: { code: string; msg: string }) => {
            d.log.record('ewaybill.refused', info.order_id, { packId, errCode: e.code });
            err_infos.push({ order_id: info.order_id, pack_id: packId, err_code: e.code, err_msg: e.msg });
          };
          if (this.subscribed.size && !this.subscribed.has(p.logistics_code)) {
            err(EWAYBILL_ERR.NOT_SUBSCRIBED);
            continue;
          }
          const o = d.orders.get(info.order_id);
          if (!o) {
            err(EWAYBILL_ERR.ORDER_NOT_FOUND);
            continue;
          }
          const key = `${o.id}/${packId}`;
          const prior = this.book.byOrder(key);
          if (prior) {
            // Asked again with the same order and package: the number already issued (live or not).
            d.log.record('ewaybill.reused', prior.waybillNo, { orderId: o.id, packId });
            ebill_infos.push(this.info(prior, o.id, packId, p.logistics_code));
            continue;
          }
          if (!SHIPPABLE.has(o.status)) {
            err(EWAYBILL_ERR.ORDER_NOT_SHIPPABLE);
            continue;
          }
          const c = info.receiver_info.contact;
          const detail = info.receiver_info.address.detail_address;
          if (c.name !== o.receiver.encryptName || (c.mobile ?? c.phone) !== o.receiver.encryptTel || detail !== o.receiver.encryptDetail) {
            err(EWAYBILL_ERR.RECEIVER_MISMATCH);
            continue;
          }
          this.lastCode = p.logistics_code;
          const w = this.book.create(key, info.receiver_info, { douyinOrderId: o.id, packId, logisticsCode: p.logistics_code, sender: p.sender_info, items: info.items, remark: info.remark ?? null });
          d.log.record('waybill.create', w.waybillNo, { orderId: o.id, packId, logisticsCode: p.logistics_code });
          d.carriers()[p.logistics_code]?.carry({ waybillNo: w.waybillNo, orderId: packId, receiver: info.receiver_info });
          ebill_infos.push(this.info(w, o.id, packId, p.logistics_code));
        }
        return { data: { ebill_infos, err_infos } };
      },

      [EWAYBILL_METHOD.CANCEL]: (params) => {
        const parsed = parse(CancelParams, params);
        if ('error' in parsed) return parsed;
        const p = parsed.value;
        const w = this.book.get(p.track_no);
        if (!w || w.extra['logisticsCode'] !== p.logistics_code) return d.business(null, `运单号不存在: ${p.track_no}`);
        if (w.status === WAYBILL_STATUS.CANCELLED) return d.business(null, '该单号已取消');
        const carried = d.carriers()[p.logistics_code]?.stageOf(w.waybillNo) ?? null;
        if (w.stage !== COURIER_STAGE.CREATED || (carried !== null && carried !== COURIER_STAGE.CREATED)) {
          d.log.record('ewaybill.cancel-refused', w.waybillNo, { stage: carried ?? w.stage });
          return { data: { cancel_result: { success: false } } };
        }
        this.book.cancel(w);
        d.carriers()[p.logistics_code]?.release(w.waybillNo);
        d.log.record('waybill.cancel', w.waybillNo, null);
        return { data: { cancel_result: { success: true } } };
      },

      [EWAYBILL_METHOD.UPDATE]: (params) => {
        const parsed = parse(UpdateParams, params);
        if ('error' in parsed) return parsed;
        const p = parsed.value;
        const w = this.book.get(p.track_no);
        if (!w || w.extra['logisticsCode'] !== p.logistics_code) return d.business(null, `运单号不存在: ${p.track_no}`);
        if (w.status === WAYBILL_STATUS.CANCELLED) return d.business(null, '该单号已取消');
        if (w.stage !== COURIER_STAGE.CREATED) return d.business(null, '已揽收，不能修改');
        w.receiver = p.receiver_info;
        w.updates += 1;
        d.log.record('waybill.update', w.waybillNo, null);
        return { data: { track_no: w.waybillNo, sort_code: '571-D01 00' } };
      },
    };
  }

  private info(w: SandboxWaybill, orderId: string, packId: string, company: string): Record<string, unknown> {
    return { order_id: orderId, pack_id: packId, track_no: w.waybillNo, sort_code: '571-D01 00', company, package_center_code: '571', package_center_name: '杭州转运中心', short_address_code: '571-D01', short_address_name: '杭州', extra_resp: '', sub_waybill_codes: '', hint_msg: '' };
  }
}
