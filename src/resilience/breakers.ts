import CircuitBreaker from 'opossum';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { AdapterError } from '../sdk/errors.js';
import { errorCode, errorMessage } from '../util/errors.js';
import { RateLimitedError } from './rate-limit.js';
import { BREAKER_STATE_VALUE, CALL_OUTCOME, type CallOutcome, type ResilienceMetrics } from './metrics.js';

// opossum's rolling window is split into this many buckets; the window must divide evenly.
const ROLLING_BUCKETS = 10;

/**
 * Thresholds of one breaker. Defaults are generous on purpose: a 2-core CI box running Temporal,
 * Redis and the tests is slow, and a breaker that opens on a slow runner fails tests for nothing.
 */
const BreakerFields = {
  /** Failure share (of calls in the rolling window) above which the circuit opens. */
  errorThresholdPercentage: z.number().min(1).max(100),
  /** Calls the window must hold before the share is judged, so one early failure cannot open it. */
  volumeThreshold: z.number().int().min(1),
  /** How long an open circuit fails fast before letting one trial call through. */
  resetTimeout: z.number().int().positive(),
  /** Per-call deadline; the call's AbortSignal fires when it passes. */
  timeout: z.number().int().positive(),
  /** Length of the rolling window failures are counted over. */
  rollingCountTimeout: z
    .number()
    .int()
    .positive()
    .refine((n) => n % ROLLING_BUCKETS === 0, `must be a multiple of ${ROLLING_BUCKETS}`),
} as const;

export const BreakerSettings = z
  .object({
    errorThresholdPercentage: BreakerFields.errorThresholdPercentage.default(50),
    volumeThreshold: BreakerFields.volumeThreshold.default(10),
    resetTimeout: BreakerFields.resetTimeout.default(30_000),
    timeout: BreakerFields.timeout.default(15_000),
    rollingCountTimeout: BreakerFields.rollingCountTimeout.default(60_000),
  })
  .strict();
export type BreakerSettings = z.output<typeof BreakerSettings>;

const BreakerOverride = z.object(BreakerFields).partial().strict();

/**
 * Built-in deadlines, unless the config says otherwise. Paged pulls walk many pages inside one
 * guarded call: the default deadline would cut them off halfway. An order.get answers a
 * platform's push (Douyin) that must be acknowledged within a few seconds: its deadline is the
 * breaker's own, so an API that hangs counts as failing and opens the circuit (a deadline set by
 * the caller is the caller giving up, which never counts).
 */
export const DEFAULT_CAPABILITY_OVERRIDES: Readonly<Record<string, z.input<typeof BreakerOverride>>> = { 'order.pull': { timeout: 120_000 }, 'order.get': { timeout: 3_000 } };

export const BreakersConfig = z
  .object({
    defaults: BreakerSettings.prefault({}),
    /** Per capability (any connector): e.g. a longer timeout for `order.pull`. Merged over the built-in ones. */
    capabilities: z
      .record(z.string(), BreakerOverride)
      .default({})
      .transform((c) => ({ ...DEFAULT_CAPABILITY_OVERRIDES, ...c })),
    /**
     * Per connector id: only the fields given replace the defaults; `capabilities` inside narrows
     * it to one endpoint of that connector. Precedence, lowest first: defaults, capabilities,
     * connectors.<id>, connectors.<id>.capabilities.<capability>.
     */
    connectors: z.record(z.string(), BreakerOverride.extend({ capabilities: z.record(z.string(), BreakerOverride).default({}) }).strict()).default({}),
  })
  .strict();
export type BreakersConfig = z.output<typeof BreakersConfig>;
export type BreakersConfigInput = z.input<typeof BreakersConfig>;

export const BREAKER_STATE = { CLOSED: 'closed', HALF_OPEN: 'half_open', OPEN: 'open' } as const;
export type BreakerState = (typeof BREAKER_STATE)[keyof typeof BREAKER_STATE];

export interface BreakerKey {
  connector: string;
  capability: string;
}

/** The caller's own cancellation, carried through opossum so errorFilter can tell it from an outage. */
class CallerCancelled extends Error {
  constructor(readonly reason: unknown) {
    super('cancelled by caller');
    this.name = 'CallerCancelled';
  }
}

type Thunk = () => Promise<void>;

/**
 * What a breaker runs: the call's own signal (caller's cancellation plus the deadline), and
 * `hold`, which pauses the deadline while the given promise (a wait for a rate-limit token) runs.
 */
export type DeadlineAction<T> = (signal: AbortSignal, hold: <U>(p: Promise<U>) => Promise<U>) => Promise<T>;

interface Entry {
  breaker: CircuitBreaker<[Thunk], void>;
  settings: BreakerSettings;
  openedAt: number;
}

/**
 * One opossum breaker per (connector, capability): a courier's waybill API being down must not
 * stop tracking queries to the same courier, and one courier must never trip another's circuit.
 *
 * Only outages count: retryable failures and timeouts. A business rejection means the system is
 * up and answered, and the caller cancelling is nobody's outage; both pass errorFilter.
 */
export class Breakers {
  private readonly config: BreakersConfig;
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(
    private readonly deps: { config?: BreakersConfigInput; logger: Logger; metrics?: ResilienceMetrics | null; now?: () => number },
  ) {
    this.config = BreakersConfig.parse(deps.config ?? {});
    this.now = deps.now ?? Date.now;
  }

  settingsFor(connector: string, capability?: string): BreakerSettings {
    const { capabilities: perEndpoint, ...perConnector } = this.config.connectors[connector] ?? { capabilities: {} };
    const byCapability = capability ? this.config.capabilities[capability] : undefined;
    const byEndpoint = capability ? perEndpoint[capability] : undefined;
    return { ...this.config.defaults, ...byCapability, ...perConnector, ...byEndpoint };
  }

  /** Circuits not closed (open or half-open) and since when: the notification watch reads them. */
  notClosed(): { connector: string; capability: string; openedAt: number }[] {
    const out: { connector: string; capability: string; openedAt: number }[] = [];
    for (const [k, e] of this.entries) {
      if (e.breaker.closed) continue;
      const [connector = '', capability = ''] = k.split('/');
      out.push({ connector, capability, openedAt: e.openedAt });
    }
    return out;
  }

  state(key: BreakerKey): BreakerState {
    const e = this.entries.get(mapKey(key));
    if (!e || e.breaker.closed) return BREAKER_STATE.CLOSED;
    return e.breaker.halfOpen ? BREAKER_STATE.HALF_OPEN : BREAKER_STATE.OPEN;
  }

  /**
   * Runs `action` through the key's breaker with a signal of its own: the caller's signal (the
   * activity attempt's) combined with this call's deadline. A fresh controller per call, because a
   * shared one, once aborted by a timeout, would abort every later call too.
   *
   * Resolves with the action's result, or rejects with: the action's own error; a retryable
   * AdapterError `timeout` when the deadline passed (the action's signal is aborted, so its socket
   * is closed, and we do not wait for an action that ignores its signal); a retryable AdapterError
   * `circuit_open` with retryAfterMs while the circuit fails fast; the caller's abort reason.
   */
  async call<T>(key: BreakerKey, callerSignal: AbortSignal | undefined, action: DeadlineAction<T>): Promise<T> {
    const entry = this.entry(key);
    const { timeout } = entry.settings;
    let result: { value: T } | undefined;
    let outcome: CallOutcome = CALL_OUTCOME.SUCCESS;
    const thunk: Thunk = async () => {
      result = { value: await this.runWithDeadline(key, timeout, callerSignal, action) };
    };
    try {
      await entry.breaker.fire(thunk);
    } catch (err) {
      if (errorCode(err) === 'EOPENBREAKER') {
        outcome = CALL_OUTCOME.SHORT_CIRCUITED;
        throw AdapterError.retryable(key.connector, 'circuit_open', `circuit for ${key.capability} is open; failing fast`, {
          retryAfterMs: this.retryAfterMs(entry),
        });
      }
      if (err instanceof CallerCancelled) {
        outcome = CALL_OUTCOME.CANCELLED;
        throw err.reason;
      }
      if (err instanceof RateLimitedError) outcome = CALL_OUTCOME.RATE_LIMITED;
      else outcome = err instanceof AdapterError ? (err.retryable ? (err.code === 'timeout' ? CALL_OUTCOME.TIMEOUT : CALL_OUTCOME.FAILURE) : CALL_OUTCOME.REJECTED) : CALL_OUTCOME.FAILURE;
      throw err;
    } finally {
      this.deps.metrics?.calls.inc({ ...key, outcome });
    }
    if (!result) throw new Error(`breaker ${mapKey(key)} resolved without running its action`);
    return result.value;
  }

  /** Stops every breaker's timers (the reset timer and the rolling window), e.g. on hub shutdown. */
  shutdown(): void {
    for (const e of this.entries.values()) e.breaker.shutdown();
    this.entries.clear();
  }

  private async runWithDeadline<T>(key: BreakerKey, timeoutMs: number, callerSignal: AbortSignal | undefined, action: DeadlineAction<T>): Promise<T> {
    if (callerSignal?.aborted) throw new CallerCancelled(callerSignal.reason);
    const deadline = new AbortController();
    const timeoutError = AdapterError.retryable(key.connector, 'timeout', `${key.capability} timed out after ${timeoutMs}ms`);
    const expire = () => deadline.abort(timeoutError);
    // setTimeout rather than AbortSignal.timeout: fake clocks in tests control it, and it is cleared.
    let timer = setTimeout(expire, timeoutMs);
    let remaining = timeoutMs;
    let runningSince = this.now();
    let holds = 0;
    let settled = false;
    // Time spent in `hold` (waiting for a rate-limit token) is not the system's slowness: the
    // deadline stops while any hold is pending and resumes with what was left.
    const hold = async <U>(p: Promise<U>): Promise<U> => {
      if (holds++ === 0) {
        clearTimeout(timer);
        remaining -= this.now() - runningSince;
      }
      try {
        return await p;
      } finally {
        // A hold outliving the call (an adapter that did not await it) must not re-arm the timer.
        if (--holds === 0 && !settled && !deadline.signal.aborted) {
          runningSince = this.now();
          timer = setTimeout(expire, Math.max(0, remaining));
        }
      }
    };
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline.signal]) : deadline.signal;
    const explain = (): Error => (callerSignal?.aborted ? new CallerCancelled(callerSignal.reason) : timeoutError);
    let onAbort: (() => void) | undefined;
    // Rejects the moment the signal fires, so an action that ignores its signal cannot hold us.
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(explain());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([action(signal, hold), aborted]);
    } catch (err) {
      // The action's own AbortError (fetch rejects once its signal fires) means the same thing.
      if (signal.aborted) throw explain();
      throw err;
    } finally {
      settled = true;
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
      aborted.catch(() => {});
    }
  }

  private retryAfterMs(entry: Entry): number {
    // Half-open with its one trial still running: the trial ends within the call timeout, then the
    // circuit is either closed or open for a fresh resetTimeout.
    if (entry.breaker.halfOpen) return Math.max(1, Math.min(entry.settings.timeout, entry.settings.resetTimeout));
    // Never 0: invokeAdapter treats a falsy retryAfterMs as "no hint" and would use the policy's backoff.
    return Math.max(1, entry.openedAt + entry.settings.resetTimeout - this.now());
  }

  private entry(key: BreakerKey): Entry {
    const k = mapKey(key);
    const existing = this.entries.get(k);
    if (existing) return existing;
    const settings = this.settingsFor(key.connector, key.capability);
    const breaker = new CircuitBreaker<[Thunk], void>((run: Thunk) => run(), {
      name: k,
      // Our own deadline aborts the action; opossum's timeout only stops waiting for it.
      timeout: false,
      errorThresholdPercentage: settings.errorThresholdPercentage,
      volumeThreshold: settings.volumeThreshold,
      resetTimeout: settings.resetTimeout,
      rollingCountTimeout: settings.rollingCountTimeout,
      rollingCountBuckets: ROLLING_BUCKETS,
      // Our own rate limiter saying no is no outage either.
      errorFilter: (err: unknown) => err instanceof CallerCancelled || err instanceof RateLimitedError || (err instanceof AdapterError && !err.retryable),
    });
    const entry: Entry = { breaker, settings, openedAt: 0 };
    const log = this.deps.logger.child({ connector: key.connector, capability: key.capability });
    const metrics = this.deps.metrics;
    const setState = (s: BreakerState) => metrics?.breakerState.set(key, BREAKER_STATE_VALUE[s]);
    setState(BREAKER_STATE.CLOSED);
    breaker.on('open', () => {
      entry.openedAt = this.now();
      setState(BREAKER_STATE.OPEN);
      metrics?.breakerOpens.inc(key);
      log.warn({ event: 'breaker_open', resetTimeoutMs: settings.resetTimeout }, 'circuit opened: failing fast');
    });
    breaker.on('halfOpen', () => {
      setState(BREAKER_STATE.HALF_OPEN);
      metrics?.breakerHalfOpens.inc(key);
      log.info({ event: 'breaker_half_open' }, 'circuit half-open: letting one trial call through');
    });
    breaker.on('close', () => {
      setState(BREAKER_STATE.CLOSED);
      log.info({ event: 'breaker_close' }, 'circuit closed');
    });
    breaker.on('failure', (err: unknown) => {
      // The error message only: adapters put status and code there, never the payload.
      log.debug({ event: 'breaker_failure', err: errorMessage(err) }, 'guarded call failed');
    });
    this.entries.set(k, entry);
    return entry;
  }
}

function mapKey(key: BreakerKey): string {
  return `${key.connector}/${key.capability}`;
}
