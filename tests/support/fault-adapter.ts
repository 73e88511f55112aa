import { z } from 'zod';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { AdapterError, isRetryableStatus } from '../../src/sdk/errors.js';
import { errorMessage } from '../../src/util/errors.js';

export const ADAPTER = 'fault-test';

/** A courier-ish adapter over the fault server: stock.query is a read, waybill.create a write. */
export const FaultAdapter = defineAdapter({
  manifest: {
    id: ADAPTER,
    contractVersion: 1,
    version: '0.0.1',
    status: 'experimental',
    kind: 'courier',
    displayName: 'Fault test',
    summary: 'Talks to the fault-injecting test server (tests only).',
    capabilities: ['stock.query', 'waybill.create'],
  },
  configSchema: z.object({ baseUrl: z.string() }).strict(),
  create: (config, deps) => ({
    testConnection: async () => ({ ok: true }),
    close: async () => {},
    invoke: async (capability, input, ctx) => {
      const write = capability === CAPABILITY.WAYBILL_CREATE;
      let res: Response;
      try {
        res = await deps.fetch(`${config.baseUrl}${write ? '/waybills' : '/stock'}`, {
          method: write ? 'POST' : 'GET',
          headers: { 'idempotency-key': ctx.idempotencyKey },
          ...(write ? { body: JSON.stringify(input) } : {}),
          signal: ctx.signal,
        });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw AdapterError.retryable(ADAPTER, 'network', errorMessage(err));
      }
      const text = await res.text();
      if (!res.ok) {
        const retryAfter = Number(res.headers.get('retry-after'));
        const details = { status: res.status, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
        if (isRetryableStatus(res.status)) throw AdapterError.retryable(ADAPTER, `http_${res.status}`, `HTTP ${res.status}`, details);
        throw AdapterError.rejected(ADAPTER, `http_${res.status}`, `HTTP ${res.status}`, details);
      }
      try {
        const body: unknown = JSON.parse(text);
        return body;
      } catch {
        throw AdapterError.retryable(ADAPTER, 'malformed_body', 'response body is not JSON');
      }
    },
  }),
});
