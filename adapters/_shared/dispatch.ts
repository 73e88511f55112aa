import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type { Capability } from '../../src/sdk/capabilities.js';
import type { AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { errorMessage } from '../../src/util/errors.js';

export type Operation = (input: unknown, ctx: InvokeContext) => Promise<unknown>;

/**
 * An adapter's `invoke` from a table of operations, one per capability it implements; anything
 * else is a non-retryable rejection naming the capability. Replaces a switch per adapter.
 */
export function dispatch(adapterId: string, operations: Partial<Record<Capability, Operation>>): AdapterInstance['invoke'] {
  return async (capability, input, ctx) => {
    const op = operations[capability];
    if (!op) throw AdapterError.rejected(adapterId, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not implemented`);
    return op(input, ctx);
  };
}

/** testConnection from one cheap call that proves the credentials: ok, or the reason it failed. */
export async function probe(call: () => Promise<unknown>): Promise<{ ok: boolean; detail?: string }> {
  try {
    await call();
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: errorMessage(err) };
  }
}
