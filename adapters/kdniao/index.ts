import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';

export const kdniaoConfig = z
  .object({
    url: z.string().url().default('https://api.kdniao.com/Ebusiness/EbusinessOrderHandle.aspx').describe('KDNiao API endpoint (EbusinessOrderHandle.aspx)'),
    eBusinessId: z.string().min(1).describe('EBusinessID (用户ID) of the KDNiao account'),
    appKey: secret('KDNiao AppKey that signs DataSign'),
    requestType: z.enum(['1002', '8001']).default('1002').describe('1002 instant query (default) or 8001 enhanced (paid; adds StateEx and Location).'),
    timeoutMs: timeoutMs(10_000, 120_000),
  })
  .strict();
export type KdniaoConfig = z.output<typeof kdniaoConfig>;

/** KDNiao (快递鸟): tracking for any courier, used to back-fill shipped orders without a trace. */
export default defineAdapter({
  manifest: {
    id: 'kdniao',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'courier',
    displayName: 'KDNiao (快递鸟)',
    summary: 'Multi-courier tracking (RequestType 1002 instant / 8001 enhanced) mapped to the canonical tracking result; 8008 subscription, whose pushes the hub receives at /webhooks/kdniao/push/<token>.',
    capabilities: ['tracking.query', 'tracking.subscribe'],
    docs: 'https://www.kdniao.com/api-track',
  },
  configSchema: kdniaoConfig,
  async create(config, deps) {
    const { createKdniaoInstance } = await import('./instance.js');
    return createKdniaoInstance(config, deps);
  },
});
