import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * The hub's Temporal client connection, lazy so the hub comes up while Temporal is down.
 *
 * The client retries a failed call after a `setTimeout` (its gRPC retry interceptor). A retry that
 * fires after the channel was closed opens a call on it and throws "Channel has been shut down"
 * from inside the timer: an uncaught error, and the caller never hears back. So once `close()` is
 * called no new retry is scheduled (a failing call fails to its caller at once), the retries
 * already waiting run on the still-open channel, and only then does the channel close.
 */
export interface TemporalConnection {
  readonly connection: Connection;
  /** Retries waiting on their backoff timer right now. */
  readonly pendingRetries: number;
  /** From now on a failing call fails to its caller at once (shutdown has begun). */
  stopRetrying(): void;
  /** Stops retrying, waits out the scheduled retries (at most one backoff, 6 s), closes the channel. */
  close(): Promise<void>;
}

export function lazyTemporalConnection(o: { address: string; connectTimeoutMs: number }): TemporalConnection {
  const defaults = defaultGrpcRetryOptions();
  let closing = false;
  let pending = 0;
  let settled: (() => void) | null = null;
  let closed: Promise<void> | null = null;
  const retry = makeGrpcRetryInterceptor({
    retryableDecider: (attempt, status) => !closing && defaults.retryableDecider(attempt, status),
    // Called only for a retry about to be scheduled, right before its timer is set.
    delayFunction: (attempt, status) => {
      pending++;
      return defaults.delayFunction(attempt, status);
    },
  });
  const counted: Interceptor = (options, nextCall) => {
    let attempts = 0;
    // The retry interceptor asks for the next call once per attempt: every ask after the first is
    // a scheduled retry whose timer has fired.
    return retry(options, (opts) => {
      if (attempts++ > 0 && --pending === 0) settled?.();
      return nextCall(opts);
    });
  };
  const connection = Connection.lazy({ address: o.address, connectTimeout: o.connectTimeoutMs, interceptors: [counted] });
  return {
    connection,
    get pendingRetries() {
      return pending;
    },
    stopRetrying() {
      closing = true;
    },
    close() {
      closing = true;
      closed ??= (async () => {
        if (pending > 0) await new Promise<void>((resolve) => (settled = resolve));
        await connection.close();
      })();
      return closed;
    },
  };
}
