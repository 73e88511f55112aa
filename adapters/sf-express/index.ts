import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';

export const SF_PRODUCTION_URL = 'https://sfapi.sf-express.com/std/service';
export const SF_SANDBOX_URL = 'https://sfapi-sbox.sf-express.com/std/service';

export const sfConfig = z
  .object({
    url: z.string().url().default(SF_PRODUCTION_URL).describe('The `std/service` endpoint; the sandbox is SF_SANDBOX_URL.'),
    partnerId: z.string().min(1).describe('顾客编码 from the SF open platform (丰桥).'),
    checkword: secret('校验码 that signs msgDigest'),
    monthlyCard: z.string().min(1).optional().describe('月结卡号: when set, waybills are billed to it (payMethod 1).'),
    expressTypeId: z.number().int().positive().default(1).describe('Default SF product for waybill.create: 1 顺丰标快.'),
    timeoutMs: timeoutMs(15_000, 120_000),
  })
  .strict();
export type SfConfig = z.output<typeof sfConfig>;

/**
 * SF Express (顺丰) over the open-platform `std/service` gateway: waybills and routes.
 * The implementation loads on first use.
 */
export default defineAdapter({
  manifest: {
    id: 'sf-express',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'courier',
    displayName: 'SF Express (顺丰)',
    summary: 'SF waybills (create with the idempotency key as orderId, address overwrite, cancel) and route tracking, signed with msgDigest.',
    capabilities: ['waybill.create', 'waybill.update', 'waybill.cancel', 'tracking.query'],
    docs: 'https://open.sf-express.com/',
  },
  configSchema: sfConfig,
  async create(config, deps) {
    const { createSfInstance } = await import('./instance.js');
    return createSfInstance(config, deps);
  },
});
