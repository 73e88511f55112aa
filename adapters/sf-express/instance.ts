import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type { AdapterDeps, AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { SfConfig } from './index.js';
import { cancelWaybill } from './operations/cancel-waybill.js';
import { createWaybill } from './operations/create-waybill.js';
import { queryTracking } from './operations/query-tracking.js';
import { updateWaybill } from './operations/update-waybill.js';
import { parseRoutePush } from './route-push.js';
import { SF_ADAPTER_ID, SF_SERVICE, SfTransport } from './transport.js';

/** The SF instance: one transport, one function per capability. Loaded only when first used. */
export function createSfInstance(config: SfConfig, deps: AdapterDeps): AdapterInstance {
  const t = new SfTransport({
    url: config.url,
    partnerId: config.partnerId,
    checkword: config.checkword,
    timeoutMs: config.timeoutMs,
    fetch: deps.fetch,
    logger: deps.logger,
    now: deps.now,
  });
  const ops: Partial<Record<Capability, (input: unknown, ctx: InvokeContext) => Promise<unknown>>> = {
    [CAPABILITY.WAYBILL_CREATE]: (input, ctx) => createWaybill(t, { monthlyCard: config.monthlyCard, expressTypeId: config.expressTypeId }, input, ctx),
    [CAPABILITY.WAYBILL_UPDATE]: (input, ctx) => updateWaybill(t, input, ctx),
    [CAPABILITY.WAYBILL_CANCEL]: (input, ctx) => cancelWaybill(t, input, ctx),
    [CAPABILITY.TRACKING_QUERY]: (input, ctx) => queryTracking(t, input, ctx),
  };
  return {
    async testConnection() {
      // SF has no ping service; a route query for a waybill that cannot exist proves URL, partnerID
      // and checkword (a bad digest is A1006) without creating anything.
      const ctrl = new AbortController();
      try {
        await t.callOk(SF_SERVICE.SEARCH_ROUTES, { language: '0', trackingType: '1', trackingNumber: ['SF0000000000000'], methodType: '1' }, {
          signal: ctrl.signal,
          idempotencyKey: 'test-connection',
          logger: deps.logger,
          heartbeat() {},
        });
        return { ok: true, detail: `SF gateway ${config.url} accepted partnerID ${config.partnerId}` };
      } catch (err) {
        if (err instanceof AdapterError && err.code.startsWith('sf_') && !err.code.startsWith('sf_A')) return { ok: true, detail: `signed call accepted (business answer ${err.code})` };
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
    async invoke(capability, input, ctx) {
      const op = ops[capability];
      if (!op) throw AdapterError.rejected(SF_ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not implemented`);
      return op(input, ctx);
    },
    parseWebhook(req) {
      const r = parseRoutePush(req.rawBody);
      if (!r.ok) return [];
      return r.records.map((rec) => ({ messageId: rec.messageId, topic: `route/${rec.opCode}`, orderId: rec.orderid, payload: rec }));
    },
    async close() {},
  };
}
