import { z } from 'zod';
import { PLATFORM } from '../canonical/status.js';

/** What an estimated commission is a rate of. */
export const COMMISSION_BASE = {
  /** What the buyer paid for the goods (paid - freight): Tmall, JD and Douyin charge on the goods, not the freight. */
  GOODS_PAID: 'goods_paid',
  /** Everything the buyer paid, freight included. */
  PAID: 'paid',
} as const;

export const CommissionRate = z
  .object({
    /** 100 = 1 %. Integer basis points so the estimate needs no floating point. */
    rateBasisPoints: z.number().int().min(0).max(10_000),
    base: z.enum(COMMISSION_BASE).default(COMMISSION_BASE.GOODS_PAID),
  })
  .strict();
export type CommissionRate = z.output<typeof CommissionRate>;

/**
 * `finance` in config/zhongshu.yaml: the monthly reconciliation (issue 16).
 * Only plain values: nothing here is secret.
 */
export const FinanceConfig = z
  .object({
    /**
     * The accounting time zone as a fixed offset: days and months are cut at its midnight, so an
     * order paid 2026-11-30T23:30+08:00 belongs to November whatever offset the platform sent.
     */
    utcOffset: z
      .string()
      .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, 'expected an offset like +08:00')
      .default('+08:00'),
    /**
     * Commission per platform for orders whose payload reports no fee: the reconciliation
     * estimates rate x base and marks it estimated. A platform without a rate and without reported
     * fees shows commission 0 with basis "none" in the detail file.
     */
    commission: z.partialRecord(z.enum(PLATFORM), CommissionRate).default({}),
  })
  .strict();
export type FinanceConfig = z.output<typeof FinanceConfig>;

/** Minutes east of UTC of a validated `utcOffset`. */
export function offsetMinutes(utcOffset: string): number {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(utcOffset);
  if (!m) throw new Error(`finance.utcOffset: expected an offset like +08:00, got "${utcOffset}"`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}
