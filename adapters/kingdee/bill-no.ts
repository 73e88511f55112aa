import { createHash } from 'node:crypto';

/**
 * The sales order's FBillNo, derived from the activity's idempotency key (workflow id + step):
 * every retry of the same step computes the same number, so it finds and finishes the bill the
 * first attempt started instead of booking a second one. A hash keeps it short, within
 * Kingdee's bill-number charset, and free of quotes for the FilterString that looks it up.
 * 20 hex digits = 80 bits: a collision between two orders is not a practical concern.
 */
export function billNumber(prefix: string, idempotencyKey: string): string {
  if (!idempotencyKey) throw new Error('an idempotency key is required to derive a bill number');
  return `${prefix}${createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 20).toUpperCase()}`;
}
