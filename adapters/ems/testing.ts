/** Test helpers for the EMS adapter (no msw import: this file is compiled with the adapter). */
import { createLogger } from '../../src/logger.js';
import type { InvokeContext } from '../../src/sdk/define.js';
import { EmsTransport } from './transport.js';

export const EMS_TEST = { baseUrl: 'https://ems-bridge.test/v1', partnerId: 'ZS', secret: 'ems-secret' } as const;

export function emsCtx(signal: AbortSignal = new AbortController().signal): InvokeContext {
  return { signal, idempotencyKey: 'wf-1_waybill', logger: createLogger({ level: 'silent' }), heartbeat() {} };
}

export function emsTransport(timeoutMs = 5_000): EmsTransport {
  return new EmsTransport({
    ...EMS_TEST,
    timeoutMs,
    fetch: (...a) => globalThis.fetch(...a),
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2024-06-01T00:00:00Z'),
  });
}
