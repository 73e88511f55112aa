import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type { z } from 'zod';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { dingtalkConfig } from './index.js';
import { ADAPTER_ID, sendAlert } from './operations/send-alert.js';

export function createDingtalkInstance(config: z.output<typeof dingtalkConfig>, deps: AdapterDeps): AdapterInstance {
  return {
    async testConnection() {
      // A robot's only call posts to the group; the config is checked, nothing is sent.
      return { ok: true, detail: `robot webhook ${new URL(config.webhookUrl).host} configured${config.signSecret ? ', signed' : ''} (not called)` };
    },
    async invoke(capability: Capability, input: unknown, ctx: InvokeContext) {
      if (capability !== CAPABILITY.ALERT_SEND) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not offered by this adapter`);
      return sendAlert(deps.fetch, config, input, ctx, deps.now);
    },
    async close() {},
  };
}
