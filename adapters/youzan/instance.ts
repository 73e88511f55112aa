import type { AdapterInstance } from '../../src/sdk/define.js';
import { ADAPTER_ID } from './constants.js';
import type { YouzanConfig } from './index.js';
import { parseYouzanPush, verifyYouzanPush } from './webhook.js';
import { dispatch } from '../_shared/dispatch.js';

export function createYouzanInstance(config: YouzanConfig): AdapterInstance {
  return {
    async testConnection() {
      return { ok: true, detail: 'push messages are verified with the configured client secret' };
    },
    // Pushes only: every capability call is rejected by name.
    invoke: dispatch(ADAPTER_ID, {}),
    verifyWebhook(req) {
      return verifyYouzanPush(req.rawBody, config.clientId, config.clientSecret);
    },
    parseWebhook(req) {
      return parseYouzanPush(req.rawBody);
    },
    async close() {},
  };
}
