import { z } from 'zod';
import { secret } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';
import { ADAPTER_ID } from './constants.js';

export const youzanConfig = z
  .object({
    clientId: z.string().min(1).describe('Youzan app client_id that push messages name'),
    clientSecret: secret('App client_secret that signs push messages'),
  })
  .strict();
export type YouzanConfig = z.output<typeof youzanConfig>;

export default defineAdapter({
  manifest: {
    id: ADAPTER_ID,
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'platform',
    displayName: 'Youzan (有赞)',
    summary:
      'Trade push messages verified by sign = MD5(client_id + still-encoded msg + client_secret); msg decoded to the full order; version carried so the newer push wins; test pushes acknowledged as topic "test". Reply {"code":0,"msg":"success"}.',
    capabilities: ['order.webhook'],
    mappings: { inbound: ['youzan/order.v1'] },
    docs: 'https://doc.youzanyun.com/',
  },
  configSchema: youzanConfig,
  async create(config) {
    const { createYouzanInstance } = await import('./instance.js');
    return createYouzanInstance(config);
  },
});
