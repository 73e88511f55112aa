import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';

export const wecomConfig = z
  .object({
    webhookUrl: z.string().url().default('https://qyapi.weixin.qq.com/cgi-bin/webhook/send').describe('Robot webhook address without its key (added from key)'),
    /** The robot's `key` from its webhook address. */
    key: secret('WeCom group robot webhook key'),
    msgtype: z.enum(['markdown', 'text']).default('markdown').describe('Message type the alert is sent as'),
    timeoutMs: timeoutMs(10_000),
  })
  .strict();

/** WeCom (企业微信) group robot: alerts to a chat group, buyer PII masked before sending. */
export default defineAdapter({
  manifest: {
    id: 'wecom',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'notifier',
    displayName: 'WeCom group robot (企业微信群机器人)',
    summary: 'Operational alerts to a WeCom group through its robot webhook, with phone numbers and other buyer PII masked.',
    capabilities: ['alert.send'],
    docs: 'https://developer.work.weixin.qq.com/document/path/91770',
  },
  configSchema: wecomConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createWecomInstance } = await import('./instance.js');
    return createWecomInstance(config, deps);
  },
});
