import { z } from 'zod';
import { envInt, envString, type Env } from '../config/env-ref.js';
import { RoleSchema } from '../config/schema.js';
import { CASE_TYPES, DEFAULT_SLA_HOURS, RETURN_DISPOSITION } from '../../workflows/after-sales/constants.js';

const PEOPLE_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/**
 * The `afterSales:` section: who works which case, how long a case may sit, where returns go,
 * and who may see and work cases through the API.
 */
export function afterSalesConfigSchema(env: Env) {
  const str = envString(env);
  const assignee = z.object({ kind: z.enum(['team', 'person']), id: z.string().regex(PEOPLE_ID, 'id: letters, digits, . _ @ -') }).strict();
  const rule = z
    .object({
      type: z.array(z.enum(CASE_TYPES)).min(1).optional(),
      platform: z.array(z.string().min(1)).min(1).optional(),
      shop: z.array(z.string().min(1)).min(1).optional(),
      /** Bounds of the case amount in minor units (fen, cents), inclusive. */
      minAmount: envInt(env, { min: 0 }).optional(),
      maxAmount: envInt(env, { min: 0 }).optional(),
      assignee,
    })
    .strict()
    .refine((r) => r.minAmount === undefined || r.maxAmount === undefined || r.minAmount <= r.maxAmount, { message: 'minAmount must not exceed maxAmount', path: ['minAmount'] });
  return z
    .object({
      /** Hours without progress before a case escalates to its assignee's supervisor (and again per further period). */
      slaHours: z.number().positive().max(24 * 365).default(DEFAULT_SLA_HOURS),
      /** First match wins: type, platform, shop, amount -> team or person. */
      assignment: z.array(rule).default([]),
      defaultAssignee: assignee.prefault({ kind: 'team', id: 'customer-service' }),
      /** Assignee id -> supervisor id; `*` is the supervisor of anyone not listed. */
      supervisors: z.record(z.string(), z.string().regex(PEOPLE_ID)).default({}),
      returns: z
        .object({
          /** restock: returned units go back to on-hand (sellable again); quarantine: to a separate location for inspection. */
          disposition: z.enum([RETURN_DISPOSITION.RESTOCK, RETURN_DISPOSITION.QUARANTINE]).default(RETURN_DISPOSITION.RESTOCK),
          quarantineLocation: str.pipe(z.string().min(1)).default('RETURNS-QC'),
          /** Stock-pool warehouse the returns arrive at; default lifecycle.warehouse. */
          warehouse: str.optional(),
          /**
           * WMS connector whose return stock-ins (wms.returns.received, Wangdiantong 退货入库)
           * report returns received on their cases, read by a Temporal Schedule every `everyMinutes`.
           */
          wms: str.pipe(z.string().min(1)).optional(),
          everyMinutes: envInt(env, { min: 1 }).default(15),
        })
        .strict()
        .prefault({}),
      /** Case numbers (AS-YYYYMMDD-NNNN) count per day in this UTC offset (minutes; China: 480). */
      numberUtcOffsetMinutes: envInt(env, { min: -720, max: 840 }).default(480),
      roles: z
        .object({
          /** May open, assign, annotate, move and close cases (operations_lead always may). */
          work: z.array(RoleSchema).min(1).default(['customer_service']),
          /** May read refund cases only (refund_only, return_and_refund). */
          viewRefunds: z.array(RoleSchema).default(['finance']),
        })
        .strict()
        .prefault({}),
    })
    .strict();
}

export type AfterSalesConfig = z.output<ReturnType<typeof afterSalesConfigSchema>>;
