import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type { z } from 'zod';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { WdtConfig } from './config.js';
import { interceptOrder, InterceptOrderInput } from './operations/intercept-order.js';
import { logisticsAck, LogisticsAckInput } from './operations/logistics-ack.js';
import { logisticsPending, LogisticsPendingInput } from './operations/logistics-pending.js';
import { pushOrder, PushOrderInput } from './operations/push-order.js';
import { queryStock, QueryStockInput } from './operations/query-stock.js';
import { returnsReceived, ReturnsReceivedInput } from './operations/returns-received.js';
import { parseOrReject } from '../_shared/platform-http.js';
import { ADAPTER_ID, WdtTransport } from './transport.js';

// Paths and messages only: the input holds buyer PII, which must not travel in an error.
const parse = <S extends z.ZodType>(schema: S, input: unknown, capability: Capability): z.output<S> => parseOrReject(ADAPTER_ID, schema, input, `${capability} input`);

/** The implementation behind index.ts, loaded on first use. */
export function createWdtInstance(config: WdtConfig, deps: AdapterDeps): AdapterInstance {
  const t = new WdtTransport(config, deps);

  const invoke = async (capability: Capability, input: unknown, ctx: InvokeContext): Promise<unknown> => {
    switch (capability) {
      case CAPABILITY.WMS_ORDER_PUSH:
        return pushOrder(t, config, parse(PushOrderInput, input, capability), ctx);
      case CAPABILITY.WMS_ORDER_INTERCEPT:
        return interceptOrder(t, config, parse(InterceptOrderInput, input, capability), ctx);
      case CAPABILITY.STOCK_QUERY:
        return queryStock(t, config, parse(QueryStockInput, input, capability), ctx);
      case CAPABILITY.LOGISTICS_SYNC: {
        // One capability, two calls: the SDK has no sub-operations, so the input says which.
        const action = typeof input === 'object' && input !== null && 'action' in input ? input.action : undefined;
        if (action === 'ack') return logisticsAck(t, config, parse(LogisticsAckInput, input, capability), ctx);
        return logisticsPending(t, config, parse(LogisticsPendingInput, input, capability), ctx);
      }
      case CAPABILITY.WMS_RETURNS_RECEIVED:
        return returnsReceived(t, parse(ReturnsReceivedInput, input, capability), ctx);
      default:
        throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not offered by this adapter`);
    }
  };

  return {
    async testConnection() {
      // A read with no side effect: one row of pending logistics proves URL, credentials and signature.
      try {
        await logisticsPending(t, config, { action: 'pending', limit: 1 }, AbortSignal.timeout(config.timeoutMs));
        return { ok: true, detail: `${config.edition} edition, sid ${config.sid}: signed call accepted` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
    invoke,
    async close() {},
  };
}
