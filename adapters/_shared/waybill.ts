import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The waybill inputs every courier adapter (SF, EMS) accepts, so the lifecycle workflow builds
 * one shape and the connector chosen by the routing rule (remote area -> EMS) takes it as is.
 *
 * Personal fields pass through exactly as given: plaintext, a platform's masked form or its
 * ciphertext. The hub never decrypts; which form a carrier can print is the caller's business.
 * These values never go into a log line.
 */
export const CourierParty = z
  .object({
    name: z.string().min(1),
    mobile: z.string().min(1).nullish(),
    tel: z.string().min(1).nullish(),
    company: z.string().min(1).nullish(),
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO-3166 alpha-2 country expected').default('CN'),
    province: z.string().min(1),
    /** Null for county-level units directly under a province (济源, 仙桃...). */
    city: z.string().min(1).nullable(),
    district: z.string().min(1).nullable(),
    /** Street address below the district (may be ciphertext). */
    detail: z.string().min(1),
  })
  .strict()
  .refine((p) => Boolean(p.mobile ?? p.tel), { message: 'mobile or tel is required', path: ['mobile'] });
export type CourierParty = z.infer<typeof CourierParty>;

export const CargoLine = z
  .object({
    name: z.string().min(1),
    count: z.number().int().positive(),
    unit: z.string().min(1).nullish(),
  })
  .strict();
export type CargoLine = z.infer<typeof CargoLine>;

/**
 * A carrier order id that is a pure function of the idempotency key, so every retry of the same
 * workflow step sends the same id and the carrier answers with the first waybill. Keys that are
 * short and plain are used as they are (readable in the carrier's console); others are hashed.
 */
export function carrierOrderId(idempotencyKey: string, maxLength = 64): string {
  if (idempotencyKey.length <= maxLength && /^[A-Za-z0-9_-]+$/.test(idempotencyKey)) return idempotencyKey;
  return `ZS${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, Math.min(40, maxLength - 2))}`;
}
