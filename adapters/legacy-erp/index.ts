import { defineAdapter } from '../../src/sdk/define.js';
import { legacyErpConfig } from './config.js';

/**
 * Legacy ERPs that expose only their database: orders polled over ODBC with change capture,
 * shipment write-back by ODBC, and signed webhooks for ERPs that can call out.
 */
export default defineAdapter({
  manifest: {
    id: 'legacy-erp',
    contractVersion: 1,
    version: '0.1.0',
    status: 'beta',
    kind: 'erp',
    displayName: 'Legacy ERP (ODBC)',
    summary:
      'Order tables read over ODBC (unixODBC: PostgreSQL, MySQL/MariaDB, SQL Server drivers) with a durable updated-at + key cursor, an overlap window and/or an is_synced flag; shipment status and tracking number written back to a table or procedure; HMAC-signed (timestamp + "." + raw body) or API-key webhooks.',
    capabilities: ['order.pull', 'order.webhook', 'shipment.confirm'],
    mappings: { inbound: ['legacy-erp/order.v1', 'legacy-erp/event.v1'] },
  },
  configSchema: legacyErpConfig,
  async create(config, deps) {
    const { createLegacyErpInstance } = await import('./instance.js');
    return createLegacyErpInstance(config, deps);
  },
});
