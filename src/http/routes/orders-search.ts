import { z } from 'zod';
import { PLATFORM } from '../../canonical/status.js';
import { LIFECYCLE_STATE } from '../../../workflows/states.js';
import { ORDER_SORTS, type OrderCursor } from '../../store/db/search.js';
import { HttpError } from '../errors.js';

const text = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max);
const instant = z.iso.datetime({ offset: true, message: 'expected ISO-8601 with an offset, e.g. 2026-11-02T00:00:00+08:00' });

/** The filters of `GET /api/orders`: each optional, all combined with AND. */
export const OrderSearchQuery = z
  .object({
    platformOrderId: text(),
    waybillNo: text(),
    shop: text(),
    channel: text(),
    platform: z.enum(PLATFORM),
    state: z.enum(LIFECYCLE_STATE),
    holdReason: text(),
    sku: text(),
    paidFrom: instant,
    paidTo: instant,
    /** A phone number as an operator types it: hashed here with the configured key, never stored or logged. */
    buyerPhone: z.string().trim().regex(/^[+\d][\d\s-]{5,24}$/, 'expected a phone number (digits, spaces, dashes, leading +)'),
    /** Or the keyed hash itself (hex), e.g. from another order's record. */
    buyerPhoneHash: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 hex digits (HMAC-SHA256)'),
    province: text(50),
    city: text(50),
    /** true: only orders imported from an old system; false: only the hub's own; absent: both. */
    historical: z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true'),
    sort: z.enum(ORDER_SORTS),
    cursor: z.string().max(500),
    limit: z.coerce.number().int().min(1).max(500),
  })
  .partial()
  .strict()
  .refine((q) => !(q.paidFrom && q.paidTo) || Date.parse(q.paidFrom) < Date.parse(q.paidTo), { message: 'paidFrom must be before paidTo', path: ['paidFrom'] })
  .refine((q) => !(q.buyerPhone && q.buyerPhoneHash), { message: 'give buyerPhone or buyerPhoneHash, not both', path: ['buyerPhone'] })
  .meta({ id: 'OrderSearchQuery' });
export type OrderSearchQuery = z.infer<typeof OrderSearchQuery>;

const MinorMoney = z.object({ minor: z.number().int(), currency: z.string() });

/** One row of a search result (src/store/db/search.ts OrderSummary), for the OpenAPI document and its typed clients. */
export const OrderSummaryDoc = z
  .object({
    workflowId: z.string(),
    orderKey: z.string(),
    platform: z.string(),
    channel: z.string(),
    shop: z.string(),
    platformOrderId: z.string(),
    state: z.string(),
    platformStatus: z.string(),
    holdReason: z.string().nullable(),
    waybillNo: z.string().nullable(),
    carrier: z.string().nullable(),
    skus: z.array(z.string()),
    paid: MinorMoney,
    paidAt: z.string().nullable(),
    receivedAt: z.string(),
    province: z.string().nullable(),
    city: z.string().nullable(),
    seq: z.number().int(),
    projectedAt: z.string(),
    /** Imported from an old system (zhongshu import orders): state is `historical` and there is no workflow. */
    historical: z.boolean(),
  })
  .meta({ id: 'OrderSummary' });

const Cursor = z.object({ k: z.union([z.string(), z.number().int()]), id: z.string().min(1) }).strict();

export function encodeCursor(c: OrderCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The opaque cursor a previous page returned; anything else is a 400 naming `cursor`. */
export function decodeCursor(raw: string): OrderCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_query', 'cursor: not a cursor this API returned');
  }
  const c = Cursor.safeParse(parsed);
  if (!c.success) throw new HttpError(400, 'invalid_query', 'cursor: not a cursor this API returned');
  return c.data;
}

/** Each problem with the query parameter it concerns; an unknown parameter is named too. */
export function queryProblem(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') return i.keys.map((k) => `${k}: not a filter of this search`).join('; ');
      return `${i.path.map(String).join('.') || 'query'}: ${i.message}`;
    })
    .join('; ');
}

/** A repeated query parameter is ambiguous for a filter: refused, naming it, rather than one value picked. */
export function singleValued(all: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) {
    if (v.length > 1) throw new HttpError(400, 'invalid_query', `${k}: given ${v.length} times; give it once`);
    if (v[0] !== undefined) out[k] = v[0];
  }
  return out;
}
