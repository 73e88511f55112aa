import type { OrderLifecycleInput } from '../../workflows/order-lifecycle.js';

/**
 * A pulled page (shop poll or ERP batch) has no platform waiting on the line, and a start that
 * gives up early makes the poll re-read its whole page (one platform request per order again) or
 * stop its ERP batch at that row. So polls wait this long for Temporal to store a start.
 */
export const POLL_START_DEADLINE_MS = 15_000;

/**
 * How long intake waits for Temporal to store a workflow start. A push (webhook, replay, API
 * call) has a caller that gives up after a few seconds and retries: it gets the short
 * `resilience.temporalStartDeadlineMs`, so it hears 503 + Retry-After in time.
 */
export function startDeadlineFor(kind: OrderLifecycleInput['receivedVia']['kind'], pushDeadlineMs: number): number {
  return kind === 'poll' ? Math.max(pushDeadlineMs, POLL_START_DEADLINE_MS) : pushDeadlineMs;
}
