import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { KdniaoConfig } from './index.js';
import { queryTracking } from './operations/query-tracking.js';
import { subscribeTracking } from './operations/subscribe-tracking.js';
import { KDNIAO_ADAPTER_ID, KdniaoTransport } from './transport.js';

export function createKdniaoInstance(config: KdniaoConfig, deps: AdapterDeps): AdapterInstance {
  const t = new KdniaoTransport({ url: config.url, eBusinessId: config.eBusinessId, appKey: config.appKey, timeoutMs: config.timeoutMs, fetch: deps.fetch, logger: deps.logger });
  return {
    async testConnection() {
      // No ping service exists; the signed call is exercised by the first real query.
      return { ok: true, detail: `KDNiao ${config.url} as EBusinessID ${config.eBusinessId} (RequestType ${config.requestType})` };
    },
    async invoke(capability, input, ctx) {
      if (capability === CAPABILITY.TRACKING_SUBSCRIBE) return subscribeTracking(t, input, ctx);
      if (capability !== CAPABILITY.TRACKING_QUERY) throw AdapterError.rejected(KDNIAO_ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not implemented`);
      return queryTracking(t, config.requestType, input, ctx);
    },
    async close() {},
  };
}
