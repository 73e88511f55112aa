/**
 * The Temporal failure types the hub's activities raise, and the one list every activity retry
 * policy names as non-retryable. Pure data: workflows import it (eslint allows this module).
 * Every non-retryable type here is also raised with `nonRetryable: true`, so the list is a second
 * guard, never the only one: a policy that forgot a type still would not retry it.
 */
export const FAILURE_TYPE = {
  /** The external system answered "no" (or the request can never work): AdapterError with retryable false. */
  ADAPTER_REJECTED: 'AdapterRejected',
  /** An outage with a hint of when to come back (Retry-After, open circuit, empty bucket): retried after it. */
  ADAPTER_UNAVAILABLE: 'AdapterUnavailable',
  /** An adapter answered in a shape its capability's contract does not allow. */
  ADAPTER_CONTRACT_VIOLATION: 'AdapterContractViolation',
  CAPABILITY_NOT_SUPPORTED: 'CapabilityNotSupported',
  UNKNOWN_CAPABILITY: 'UnknownCapability',
  UNKNOWN_CHANNEL: 'UnknownChannel',
  MAPPING_FAILED: 'MappingFailed',
  /** This worker lacks what the activity needs (no adapters, no order store, no poll section). */
  NOT_CONFIGURED: 'NotConfigured',
  INVALID_POLL_CONFIG: 'InvalidPollConfig',
  /** A legacy-ERP row the poller cannot key. */
  INVALID_ROW: 'InvalidRow',
  INVALID_NOTIFICATION: 'InvalidNotification',
  /** A case's refund record the order store cannot take (bad amount, time or order id). */
  INVALID_ORDER_REFUND: 'InvalidOrderRefund',
} as const;
export type FailureType = (typeof FAILURE_TYPE)[keyof typeof FAILURE_TYPE];

/** Failures retrying cannot fix: every type above but the outage. */
export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = Object.values(FAILURE_TYPE).filter((t) => t !== FAILURE_TYPE.ADAPTER_UNAVAILABLE);
