import { defineAdapter } from '../../src/sdk/define.js';
import { kingdeeConfig } from './config.js';

export { kingdeeConfig } from './config.js';

/**
 * Kingdee Cloud Galaxy (金蝶云星空) ERP: books each order as a SAL_SaleOrder (Save, Submit, Audit)
 * under a bill number derived from the idempotency key. The implementation loads on first use.
 */
export default defineAdapter({
  manifest: {
    id: 'kingdee',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'erp',
    displayName: 'Kingdee Cloud Galaxy (金蝶云星空)',
    summary: 'Sales orders saved, submitted and audited in Kingdee Cloud Galaxy through its WebAPI, idempotent per workflow step.',
    capabilities: ['sales-order.push'],
    docs: 'https://vip.kingdee.com/knowledge/specialDetail/229961573895771136',
  },
  configSchema: kingdeeConfig,
  async create(config, deps) {
    const { createKingdeeInstance } = await import('./instance.js');
    return createKingdeeInstance(config, deps);
  },
});
