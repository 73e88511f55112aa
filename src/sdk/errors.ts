/**
 * What an adapter throws when a call fails. `retryable` decides between a Temporal retry (the
 * system is down, rate-limited, timed out) and a business failure that retrying cannot fix
 * (rejected address, unknown SKU, bad signature).
 */
export class AdapterError extends Error {
  constructor(
    readonly adapter: string,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly details?: { status?: number; retryAfterMs?: number; body?: string },
  ) {
    super(`${adapter}: ${message}`);
    this.name = 'AdapterError';
  }

  static retryable(adapter: string, code: string, message: string, details?: AdapterError['details']) {
    return new AdapterError(adapter, code, message, true, details);
  }

  static rejected(adapter: string, code: string, message: string, details?: AdapterError['details']) {
    return new AdapterError(adapter, code, message, false, details);
  }
}

/** HTTP status -> retryable? 408, 425, 429 and 5xx are transient; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
