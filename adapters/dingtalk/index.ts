import { z } from 'zod';
import { secret, timeoutMs } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';

export const dingtalkConfig = z
  .object({
    webhookUrl: z.string().url().default('https://oapi.dingtalk.com/robot/send').describe('Robot webhook address without its access_token (added from accessToken)'),
    accessToken: secret('DingTalk robot access_token'),
    /** The robot's "加签" secret (SEC...). Without it the robot must be protected by keywords or IPs. */
    signSecret: secret('DingTalk robot signing secret (SEC...)').optional(),
    msgtype: z.enum(['markdown', 'text']).default('markdown').describe('Message type the alert is sent as'),
    timeoutMs: timeoutMs(10_000),
  })
  .strict();

/** DingTalk (钉钉) group robot: signed alerts to a chat group, buyer PII masked before sending. */
export default defineAdapter({
  manifest: {
    id: 'dingtalk',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'notifier',
    displayName: 'DingTalk group robot (钉钉群机器人)',
    summary: 'Operational alerts to a DingTalk group through its signed robot webhook, with phone numbers and other buyer PII masked.',
    capabilities: ['alert.send'],
    docs: 'https://open.dingtalk.com/document/robots/custom-robot-access',
  },
  configSchema: dingtalkConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createDingtalkInstance } = await import('./instance.js');
    return createDingtalkInstance(config, deps);
  },
});
