import type { AdapterInstance } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { ADAPTER_ID } from './constants.js';
import type { YouzanConfig } from './index.js';
import { parseYouzanPush, verifyYouzanPush } from './webhook.js';

export function createYouzanInstance(config: YouzanConfig): AdapterInstance {
  return {
    async testConnection() {
      return { ok: true, detail: 'push messages are verified with the configured client secret' };
    },
    async invoke(capability) {
      throw AdapterError.rejected(ADAPTER_ID, 'unsupported-capability', `capability ${capability} is not implemented`);
    },
    verifyWebhook(req) {
      return verifyYouzanPush(req.rawBody, config.clientId, config.clientSecret);
    },
    parseWebhook(req) {
      return parseYouzanPush(req.rawBody);
    },
    async close() {},
  };
}
