import { z } from 'zod';
import { PLATFORM } from '../canonical/status.js';
import { envBool, envInt, envString, secretRef, type Env } from '../config/env-ref.js';

/** Carriers the rules can pick; the waybill activity maps each to its e-waybill account. */
export const CARRIER = { SF: 'SF', EMS: 'EMS' } as const;
export type Carrier = (typeof CARRIER)[keyof typeof CARRIER];
const CARRIERS = [CARRIER.SF, CARRIER.EMS] as const;

const CURRENCY = z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 currency code expected');

/** A GB/T 2260 code: 6 digits. "xx0000" means the whole province, "xxxx00" the whole prefecture. */
export const DIVISION_CODE = /^\d{6}$/;

/**
 * The order rules of issue 4 (interception levels 1-3, gift matrix, remote areas), as the `rules:`
 * section of the hub config. Built against an environment like the rest of the config, so
 * thresholds can be `${VAR}` references and changed per deployment without editing YAML.
 */
export function rulesConfigSchema(env: Env) {
  const str = envString(env);
  const money = z.object({ minor: envInt(env, { min: 0 }), currency: CURRENCY }).strict();

  const gift = z
    .object({
      /** Stable id: the gift line id derives from it, which is what makes the rule idempotent. */
      id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'id: letters, digits, - and _'),
      mainSku: z.string().min(1),
      minAmount: money,
      gift: z
        .object({
          sku: z.string().min(1),
          title: z.string().min(1),
          qty: envInt(env, { min: 1 }).default(1),
          /** Where the warehouse sticks the gift label, carried to the WMS instruction. */
          labelPosition: z.string().min(1),
          /**
           * The seller's own text printed at the bottom of the waybill, in the seller's language,
           * e.g. "赠品:智能饮水机滤芯×1". Defaults to "Gift: <title> x<qty>". The gift line
           * carries it as `gift.waybillText`, so the waybill needs only the order.
           */
          waybillText: z
            .string()
            .min(1)
            .optional()
            .describe('Text printed at the bottom of the waybill for this gift, e.g. "赠品:智能饮水机滤芯×1"; default "Gift: <title> x<qty>"'),
        })
        .strict()
        .transform((g) => ({ ...g, waybillText: g.waybillText ?? `Gift: ${g.title} x${g.qty}` })),
      enabled: envBool(env).default(true),
    })
    .strict();

  const remoteDistrict = z.union([
    z.string().regex(DIVISION_CODE, 'expected a 6-digit GB/T 2260 code'),
    z.object({ province: z.string().min(1), city: z.string().min(1).optional(), district: z.string().min(1) }).strict(),
  ]);

  return z
    .object({
      /** Each interception level can be switched off, e.g. level 3 before the stock pool is loaded. */
      interception: z
        .object({
          address: envBool(env).default(true),
          risk: envBool(env).default(true),
          unknownSku: envBool(env).default(true),
        })
        .strict()
        .prefault({}),
      risk: z
        .object({
          /** Hold when an identity places more than this many orders inside the window. */
          maxOrdersPer24h: envInt(env, { min: 1 }).default(5),
          windowHours: envInt(env, { min: 1, max: 24 * 31 }).default(24),
          /**
           * Platforms whose phone ciphertext is the same for the same number (deterministic
           * encryption), so it can be counted like a phone. Others fall back to buyer.handle,
           * because a randomised ciphertext would make every order look like a new buyer.
           */
          stableCiphertextPlatforms: z.array(z.enum(PLATFORM)).default([]),
          /**
           * Optional HMAC key for the identity hash. A bare SHA-256 of an 11-digit phone can be
           * reversed by enumeration; with a key, the Redis keys reveal nothing.
           */
          identityKey: secretRef(env).optional(),
        })
        .strict()
        .prefault({}),
      gifts: z.array(gift).default([]),
      remoteAreas: z
        .object({
          carrier: str.pipe(z.enum(CARRIERS)).default(CARRIER.EMS),
          surcharge: money.default({ minor: 0, currency: 'CNY' }),
          districts: z.array(remoteDistrict).default([]),
        })
        .strict()
        .prefault({}),
      defaultCarrier: str.pipe(z.enum(CARRIERS)).default(CARRIER.SF),
    })
    .strict()
    .superRefine((cfg, ctx) => {
      const seen = new Map<string, number>();
      cfg.gifts.forEach((g, i) => {
        const prev = seen.get(g.id);
        if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['gifts', i, 'id'], message: `duplicate gift rule id (also gifts[${prev}])` });
        seen.set(g.id, i);
      });
    });
}

/** The schema against the process environment, for callers that load the section on its own. */
export const RulesConfig = rulesConfigSchema(process.env);
export type RulesConfig = z.output<ReturnType<typeof rulesConfigSchema>>;
export type GiftRule = RulesConfig['gifts'][number];
export type RemoteDistrict = RulesConfig['remoteAreas']['districts'][number];
