import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';

export const emsConfig = z
  .object({
    baseUrl: z.string().url().describe('The partner\'s endpoint implementing the hub\'s EMS contract (README.md), e.g. https://ems-bridge.example.com/v1.'),
    partnerId: z.string().min(1).describe('Partner id sent as X-Zs-Partner'),
    secret: secret('Shared HMAC-SHA256 secret for X-Zs-Signature'),
    timeoutMs: timeoutMs(15_000, 120_000),
  })
  .strict();
export type EmsConfig = z.output<typeof emsConfig>;

/**
 * EMS, the carrier for remote-area addresses. No authoritative public EMS API was found, so this
 * adapter speaks the hub's own contract (README.md) that an EMS integration partner implements
 * or maps to.
 */
export default defineAdapter({
  manifest: {
    id: 'ems',
    contractVersion: 1,
    version: '0.1.0',
    status: 'experimental',
    kind: 'courier',
    displayName: 'EMS (中国邮政速递)',
    summary: 'Remote-area waybills and tracking over the hub-defined EMS contract (JSON, HMAC-SHA256 over timestamp + body, orderId idempotent).',
    capabilities: ['waybill.create', 'waybill.update', 'waybill.cancel', 'tracking.query'],
  },
  configSchema: emsConfig,
  async create(config, deps) {
    const { createEmsInstance } = await import('./instance.js');
    return createEmsInstance(config, deps);
  },
});
