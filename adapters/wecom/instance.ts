import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type { z } from 'zod';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { wecomConfig } from './index.js';
import { ADAPTER_ID, sendAlert } from './operations/send-alert.js';

export function createWecomInstance(config: z.output<typeof wecomConfig>, deps: AdapterDeps): AdapterInstance {
  return {
    async testConnection() {
      // Sending is the only call a robot has; a test message would spam the group, so only the config is checked.
      return { ok: true, detail: `robot webhook ${new URL(config.webhookUrl).host} configured (not called)` };
    },
    async invoke(capability: Capability, input: unknown, ctx: InvokeContext) {
      if (capability !== CAPABILITY.ALERT_SEND) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not offered by this adapter`);
      return sendAlert(deps.fetch, config, input, ctx);
    },
    async close() {},
  };
}
