import { ActivityFailure, ApplicationFailure, isCancellation, patched, proxyActivities, proxyLocalActivities, sleep, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../../src/activities/index.js';
import { HOLD_REASON, NON_RETRYABLE_TYPES, PATCH } from './constants.js';
import type { OrderRun } from './run.js';
import type { LifecycleSettings } from './types.js';

// Redis-backed steps (record, rules, locks): retried for as long as Redis is down, so an outage
// makes the order wait at the step it reached (never past the lock unlocked), instead of failing it.
export const store = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});
// Compensations must not give up early: a failure here means a parcel or a lock left behind.
export const compensate = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 8, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The same store calls as local activities: run by the worker that runs the workflow, with no
 * trip through the server's task queue and no activity task per call (the result is one marker
 * in the next workflow-task completion). The worker tries a few times only: a local activity
 * still running at 80% of the 10 s workflow-task timeout makes the worker heartbeat the workflow
 * task, three history events every few seconds, and an outage of a weekend would fill the
 * history. The limit is an attempt count, not a schedule-to-close timeout: the SDK (1.24) was seen
 * retrying a local activity well past a 5 s schedule-to-close while Redis was down. After the last
 * attempt `shortStep` hands the call to the server-retried activity, so an outage still makes the
 * order wait, in one activity however long it lasts.
 */
const LOCAL_ATTEMPTS = 5;
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '1 second', maximumAttempts: LOCAL_ATTEMPTS },
});

/**
 * A short Redis-only step (record, rules, stock lock, their compensations): local first; if the
 * local attempts fail, the same call again through `otherwise` (the proxy the step used before:
 * `store`, or `compensate` for a compensation), so an outage waits on the server's retries and a
 * refusal fails exactly as it did. Each call carries its step's idempotency key (hold key =
 * workflow id + lock attempt, record key = workflow id + step): a local attempt that took effect
 * before its answer was lost makes the repeated call a no-op, never a second lock. Without
 * PATCH.LOCAL_STORE_STEPS (histories recorded before it), `otherwise` runs alone, as it did.
 */
export async function shortStep<T>(run: OrderRun, what: string, call: (acts: typeof store) => Promise<T>, otherwise: typeof store = store): Promise<T> {
  if (!run.localSteps) return call(otherwise);
  try {
    return await call(local);
  } catch (err) {
    // The SDK hands a local activity's last failure over unwrapped (no ActivityFailure around it).
    if (isCancellation(err)) throw err;
    run.note(`${what}: failed ${LOCAL_ATTEMPTS} attempts in the worker (${failureMessage(err)}); handed to the server's retries`);
    return call(otherwise);
  }
}

/**
 * `outageRetryMs` set: the call of an order waiting out an outage. Its retry policy has no attempt
 * limit and a fixed interval, so the server retries it for as long as the outage lasts and the
 * history holds one activity however long that is (a workflow-side sleep-and-retry loop adds
 * about ten events per try: a weekend-long outage at 30 s would pass Temporal's 51,200-event limit
 * and the order would be terminated). A breaker's `nextRetryDelay` still sets each wait.
 */
export function adapterActivities(s: LifecycleSettings, connector: string, outageRetryMs?: number) {
  const opts: ActivityOptions = {
    startToCloseTimeout: '30 seconds',
    retry:
      outageRetryMs === undefined
        ? {
            maximumAttempts: s.adapterRetry[connector]?.maximumAttempts ?? s.retry.maximumAttempts,
            initialInterval: s.retry.initialIntervalMs,
            backoffCoefficient: s.retry.backoffCoefficient,
            nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
          }
        : { initialInterval: outageRetryMs, backoffCoefficient: 1, maximumInterval: outageRetryMs, nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES] },
  };
  return proxyActivities<Activities>(opts);
}

/** An activity that gave up on something retrying may fix: the system was down, not wrong. */
export function isOutage(err: unknown): err is ActivityFailure {
  if (!(err instanceof ActivityFailure) || isCancellation(err)) return false;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return !cause.nonRetryable && !NON_RETRYABLE_TYPES.includes(cause.type ?? '');
  return true; // timeouts and lost workers
}

/**
 * A write to a system that is down never falls back and never fails the order: once the
 * activity's retries (each waiting out the open circuit) are used up, the order notes the
 * outage, shows it in its hold-reason search attribute and tries again every outageRetryMs with
 * the same idempotency key, so the receiver sees the push once however often it is retried.
 * `call(outageRetryMs)` is handed the interval once the order waits: the call is then one activity
 * the server retries until the system answers (see adapterActivities); histories recorded before
 * that (no 'outage-retries-by-server' marker) replay the workflow-side sleep loop.
 */
export async function outageRetrying<T>(run: OrderRun, what: string, connector: string, call: (outageRetryMs?: number) => Promise<T>): Promise<T> {
  let waiting = false;
  let serverRetries = false;
  const waitMs = run.s?.outageRetryMs ?? 30_000;
  for (;;) {
    try {
      const out = await call(serverRetries ? waitMs : undefined);
      if (waiting) {
        run.note(`${connector} reachable again: ${what} done`);
        run.showHoldReason(run.hold?.reason ?? null);
      }
      return out;
    } catch (err) {
      if (!isOutage(err) || !patched(PATCH.WAIT_OUT_OUTAGES)) throw err;
      if (!waiting) {
        waiting = true;
        run.note(`${what}: ${connector} unavailable (${err.cause?.message ?? err.message}); retrying every ${Math.round(waitMs / 1000)}s until it answers`);
        run.showHoldReason(HOLD_REASON.DOWNSTREAM_UNAVAILABLE);
        if (patched(PATCH.OUTAGE_RETRIES_BY_SERVER)) {
          serverRetries = true;
          continue;
        }
      }
      // Only histories from before the marker get here again: the server-retried call never
      // gives up on an outage.
      await sleep(waitMs);
    }
  }
}

/** What a failed activity said: the adapter's own message (the cause) rather than Temporal's wrapper. */
export function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? err.cause.message : err.message;
}

/** A string (or number) field of an adapter's untyped answer, or null. */
export function stringField(v: unknown, key: string): string | null {
  if (typeof v !== 'object' || v === null || !(key in v)) return null;
  const x: unknown = Object.getOwnPropertyDescriptor(v, key)?.value;
  return typeof x === 'string' && x !== '' ? x : typeof x === 'number' ? String(x) : null;
}
