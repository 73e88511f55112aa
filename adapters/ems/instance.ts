import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type { AdapterDeps, AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { EmsConfig } from './index.js';
import { cancelWaybill } from './operations/cancel-waybill.js';
import { createWaybill } from './operations/create-waybill.js';
import { queryTracking } from './operations/query-tracking.js';
import { updateWaybill } from './operations/update-waybill.js';
import { EMS_ADAPTER_ID, EmsTransport } from './transport.js';

export function createEmsInstance(config: EmsConfig, deps: AdapterDeps): AdapterInstance {
  const t = new EmsTransport({ baseUrl: config.baseUrl, partnerId: config.partnerId, secret: config.secret, timeoutMs: config.timeoutMs, fetch: deps.fetch, logger: deps.logger, now: deps.now });
  const ops: Partial<Record<Capability, (input: unknown, ctx: InvokeContext) => Promise<unknown>>> = {
    [CAPABILITY.WAYBILL_CREATE]: (input, ctx) => createWaybill(t, input, ctx),
    [CAPABILITY.WAYBILL_UPDATE]: (input, ctx) => updateWaybill(t, input, ctx),
    [CAPABILITY.WAYBILL_CANCEL]: (input, ctx) => cancelWaybill(t, input, ctx),
    [CAPABILITY.TRACKING_QUERY]: (input, ctx) => queryTracking(t, input, ctx),
  };
  return {
    async testConnection() {
      return { ok: true, detail: `EMS partner endpoint ${config.baseUrl} (hub contract v1, partner ${config.partnerId})` };
    },
    async invoke(capability, input, ctx) {
      const op = ops[capability];
      if (!op) throw AdapterError.rejected(EMS_ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not implemented`);
      return op(input, ctx);
    },
    async close() {},
  };
}
