import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { pollTargets } from './schedules.js';

const logger = createLogger({ level: 'silent' });
const env = { TOP_SECRET: 's', ERP_ODBC: 'Driver={PostgreSQL Unicode};Server=127.0.0.1;Database=erp' };
const connectors = [
  { id: 'tb', adapter: 'taobao', config: { appKey: '12345678', appSecret: '${TOP_SECRET}', sessionKey: '${TOP_SECRET}' } },
  { id: 'erp', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', poll: { table: 'orders', keyColumn: 'order_no', updatedAtColumn: 'updated_at' } } },
];

function targets(channels: Record<string, unknown>[]) {
  const r = parseConfig({ connectors, channels }, env);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, env);
  for (const def of BUILTIN_ADAPTERS) registry.register(def);
  registry.configure(r.config.connectors);
  return () => pollTargets(r.config, registry).map((t) => t.channel.id);
}

describe('pollTargets', () => {
  it('polls platform shops, never an ERP channel (its order.pull reads rows, on its own schedule)', () => {
    const run = targets([
      { id: 'tb-main', adapter: 'taobao', shop: 'tb', connector: 'tb', mapping: 'taobao/order.v1' },
      { id: 'erp-orders', adapter: 'legacy-erp', shop: 'ERP', connector: 'erp', mapping: 'legacy-erp/order.v1' },
    ]);
    expect(run()).toEqual(['tb-main']);
  });

  it('leaves an ERP channel asking for polling to its ERP schedule (src/legacy-erp/schedules.ts checks it)', () => {
    const run = targets([{ id: 'erp-orders', adapter: 'legacy-erp', shop: 'ERP', connector: 'erp', mapping: 'legacy-erp/order.v1', poll: { enabled: true } }]);
    expect(run()).toEqual([]);
  });

  it('leaves out disabled channels and channels with polling switched off', () => {
    const run = targets([
      { id: 'tb-off', adapter: 'taobao', shop: 'tb', connector: 'tb', mapping: 'taobao/order.v1', poll: { enabled: false } },
      { id: 'tb-disabled', adapter: 'taobao', shop: 'tb2', connector: 'tb', mapping: 'taobao/order.v1', enabled: false },
    ]);
    expect(run()).toEqual([]);
  });
});
