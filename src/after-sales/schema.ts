import { z } from 'zod';
import { Money } from '../canonical/order.js';
import { CASE_STATES, CASE_TYPES } from '../../workflows/after-sales/constants.js';

/** A case summary as the read model keeps it: checked on every read (it crosses Redis). */
export const CaseSummary = z.looseObject({
  caseKey: z.string().min(1),
  caseNumber: z.string().nullable(),
  type: z.enum(CASE_TYPES),
  state: z.enum(CASE_STATES),
  platform: z.string(),
  channel: z.string().nullable(),
  shop: z.string().nullable(),
  platformCaseId: z.string().nullable(),
  orderKey: z.string().nullable(),
  amount: Money.nullable(),
  assignee: z.object({ kind: z.enum(['team', 'person']), id: z.string() }).nullable(),
  openedAt: z.string(),
  lastProgressAt: z.string(),
  escalations: z.array(z.looseObject({ n: z.number(), at: z.string(), to: z.string() })),
});
export type CaseSummary = z.output<typeof CaseSummary>;
