import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from '../logger.js';
import { AdapterError } from '../sdk/errors.js';
import { errorMessage } from '../util/errors.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';

/**
 * An adapter call's error as Temporal should see it, for every activity that calls out: a
 * business rejection (the system answered "no", or the request can never work) fails the step at
 * once as `AdapterRejected`, the type workflows list as non-retryable; an outage with a hint of
 * when to come back (Retry-After, an open circuit, an empty rate-limit bucket) is retried after
 * that delay instead of the policy's backoff; anything else is retried by policy.
 */
export function adapterFailure(err: unknown, connector: string, log: Logger): unknown {
  if (err instanceof AdapterError && !err.retryable) {
    log.warn({ code: err.code }, `rejected: ${err.message}`);
    return ApplicationFailure.nonRetryable(err.message, FAILURE_TYPE.ADAPTER_REJECTED, { code: err.code, connector });
  }
  log.warn({ err: errorMessage(err) }, 'call failed; Temporal will retry by policy');
  if (err instanceof AdapterError && err.details?.retryAfterMs) {
    return ApplicationFailure.create({ message: err.message, type: FAILURE_TYPE.ADAPTER_UNAVAILABLE, nextRetryDelay: err.details.retryAfterMs, details: [{ code: err.code }] });
  }
  return err;
}
