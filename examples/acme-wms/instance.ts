import { dispatch } from '../../adapters/_shared/dispatch.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import type { AdapterDeps, AdapterInstance } from '../../src/sdk/define.js';
import type { AcmeConfig } from './index.js';
import { pushOrder } from './operations/push-order.js';
import { queryStock } from './operations/query-stock.js';
import { ADAPTER_ID, AcmeTransport } from './transport.js';

/** The factory: a transport for this connector and one operation per capability. */
export function createAcmeInstance(config: AcmeConfig, deps: AdapterDeps): AdapterInstance {
  const t = new AcmeTransport({ baseUrl: config.baseUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs, fetch: deps.fetch, now: deps.now });
  return {
    async testConnection() {
      // Acme has no free call: a connection test would push or query. The config is what is checked.
      return { ok: true, detail: `${new URL(config.baseUrl).host} configured (not called)` };
    },
    invoke: dispatch(ADAPTER_ID, {
      [CAPABILITY.WMS_ORDER_PUSH]: (input, ctx) => pushOrder(t, config, input, ctx),
      [CAPABILITY.STOCK_QUERY]: (input, ctx) => queryStock(t, config, input, ctx),
    }),
    async close() {},
  };
}
