import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance, InvokeContext } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import type { KingdeeConfig } from './config.js';
import { pushSalesOrder, PushSalesOrderInput } from './operations/push-sales-order.js';
import { parseOrReject } from '../_shared/platform-http.js';
import { ADAPTER_ID, KingdeeTransport } from './transport.js';

/** The implementation behind index.ts, loaded on first use. */
export function createKingdeeInstance(config: KingdeeConfig, deps: AdapterDeps): AdapterInstance & { transport: KingdeeTransport } {
  const transport = new KingdeeTransport(config, deps);
  return {
    transport,
    async testConnection() {
      // A one-row query proves login, session and permission without writing anything.
      try {
        await transport.billQuery({ FormId: 'SAL_SaleOrder', FieldKeys: 'FID', FilterString: '', TopRowCount: 0, StartRow: 0, Limit: 1 }, AbortSignal.timeout(config.timeoutMs));
        return { ok: true, detail: `logged in to ${config.baseUrl} as ${config.username}` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },
    async invoke(capability: Capability, input: unknown, ctx: InvokeContext) {
      if (capability !== CAPABILITY.SALES_ORDER_PUSH) throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not offered by this adapter`);
      return pushSalesOrder(transport, config, parseOrReject(ADAPTER_ID, PushSalesOrderInput, input, `${capability} input`), ctx);
    },
    async close() {},
  };
}
