import { defineAdapter } from '../../src/sdk/define.js';
import { wdtConfig } from './config.js';

export { wdtConfig } from './config.js';

/**
 * Wangdiantong (旺店通) WMS/ERP: pushes trades to the warehouse, intercepts them, reads stock and
 * runs the logistics sync-back loop. Enterprise (openapi2/*.php) and ultimate (method-style)
 * editions, chosen by `edition`. The implementation loads on first use.
 */
export default defineAdapter({
  manifest: {
    id: 'wangdiantong',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'wms',
    displayName: 'Wangdiantong (旺店通)',
    summary: 'Trade push and intercept, stock query and logistics sync-back for the Wangdiantong enterprise and ultimate editions; completed return stock-ins (退货入库: enterprise stockin_order_query_refund.php, ultimate wms.stockin.Refund.queryWithDetail) for the after-sales cases.',
    capabilities: ['wms.order.push', 'wms.order.intercept', 'stock.query', 'logistics.sync', 'wms.returns.received'],
    docs: 'https://open.wangdian.cn/',
  },
  configSchema: wdtConfig,
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createWdtInstance } = await import('./instance.js');
    return createWdtInstance(config, deps);
  },
});
