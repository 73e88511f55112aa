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

/** A start that had no answer by its deadline; intake answers it like any start Temporal did not store. */
export class StartDeadlineError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`Temporal did not answer the start within ${deadlineMs} ms`);
    this.name = 'StartDeadlineError';
  }
}

/**
 * Settles with `call`, or rejects with StartDeadlineError at `deadline` (epoch ms), whichever
 * comes first. The worker's NativeConnection applies a gRPC deadline to each attempt but retries
 * an unavailable server on its own backoff (up to ~10 s), and takes no abort signal, so only this
 * keeps a push's answer within its deadline. A late outcome is dropped: a start Temporal stored
 * after all is found by the platform's redelivery as a duplicate.
 */
export function settleBy<T>(deadline: number, call: Promise<T>): Promise<T> {
  const ms = Math.max(0, deadline - Date.now());
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StartDeadlineError(ms)), ms);
    call.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
