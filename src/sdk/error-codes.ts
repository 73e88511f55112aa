/**
 * The adapter error-code vocabulary (snake_case), documented in docs/adapters/README.md. A
 * system's own code is kept beside these as `<prefix>_<its code>` (e.g. `sf_A1005`, `wdt_100`)
 * or as it sent it when it is already a name (TOP's `isv.trade-not-exist`). Pure data: workflows
 * may import it.
 */
export const ERROR_CODE = {
  /** No answer within the call's timeout. */
  TIMEOUT: 'timeout',
  /** The request never got an HTTP answer (DNS, refused, reset). */
  NETWORK: 'network',
  /** Not sent: the call was abandoned before the request went out. */
  ABORTED: 'aborted',
  /** The operation's input does not match its schema; the caller's bug, never retried. */
  INVALID_INPUT: 'invalid_input',
  /** The system answered something we cannot read: not JSON, or a shape we do not know. */
  BAD_RESPONSE: 'bad_response',
  /** The connector does not offer the capability asked for. */
  UNSUPPORTED_CAPABILITY: 'unsupported_capability',
  /** The hub's shared rate limit would make the call wait too long. */
  RATE_LIMITED: 'rate_limited',
} as const;
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

/** An HTTP status as an error code: `http_503`. */
export function httpErrorCode(status: number): string {
  return `http_${status}`;
}

/** A system's own error code under its prefix: `vendorErrorCode('sf', 'A1005')` is `sf_A1005`. */
export function vendorErrorCode(prefix: string, code: string | number | undefined): string {
  return `${prefix}_${code === undefined || code === '' ? 'error' : String(code)}`;
}
