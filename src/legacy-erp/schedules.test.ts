import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { pollTargets } from '../polling/schedules.js';
import { legacyErpPolls } from './schedules.js';

const logger = createLogger({ level: 'silent' });
const env = { ERP_ODBC: 'Driver={PostgreSQL Unicode};Server=127.0.0.1;Database=erp' };
const erpPoll = { table: 'orders', keyColumn: 'order_no', updatedAtColumn: 'updated_at' };
const connectors = [
  { id: 'erp', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', intervalSeconds: 30, poll: erpPoll } },
  { id: 'erp-hooks', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', webhook: { apiKey: '${ERP_ODBC}' } } },
];
const erpChannel = (o: Record<string, unknown> = {}) => ({ id: 'erp-orders', adapter: 'legacy-erp', shop: 'ERP', connector: 'erp', mapping: 'legacy-erp/order.v1', ...o });

function setup(channels: Record<string, unknown>[]) {
  const r = parseConfig({ connectors, channels }, env);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, env);
  for (const def of BUILTIN_ADAPTERS) registry.register(def);
  registry.configure(r.config.connectors);
  return { config: r.config, registry };
}
const polls = (channels: Record<string, unknown>[]) => {
  const { config, registry } = setup(channels);
  return legacyErpPolls(config, registry);
};

describe('legacyErpPolls', () => {
  it('polls an ERP channel whose connector has a poll section, at the connector interval', async () => {
    expect(await polls([erpChannel()])).toEqual([{ channel: 'erp-orders', connector: 'erp', intervalSeconds: 30 }]);
    // enabled: true says the same thing explicitly.
    expect(await polls([erpChannel({ poll: { enabled: true } })])).toHaveLength(1);
  });

  it('switches the poll off with poll.enabled: false, and for disabled channels', async () => {
    expect(await polls([erpChannel({ poll: { enabled: false } })])).toEqual([]);
    expect(await polls([erpChannel({ enabled: false })])).toEqual([]);
  });

  it('refuses the shop-poll fields on an ERP channel, naming each, instead of ignoring them', async () => {
    const p = polls([erpChannel({ poll: { everyMinutes: 1, maxWindowsPerRun: 3, enabled: true } })]);
    await expect(p).rejects.toThrow(/channels\[0\]\.poll\.everyMinutes: not used on a legacy-erp channel; an ERP's polling is set in connector erp's config \(intervalSeconds, poll\)/);
    await expect(p).rejects.toThrow(/channels\[0\]\.poll\.maxWindowsPerRun: not used/);
    // Even on a disabled channel: the field still means nothing there.
    await expect(polls([erpChannel({ enabled: false, poll: { windowMinutes: 10 } })])).rejects.toThrow(/channels\[0\]\.poll\.windowMinutes/);
  });

  it('refuses poll.enabled: true on a connector with nothing to poll', async () => {
    await expect(polls([erpChannel({ connector: 'erp-hooks', poll: { enabled: true } })])).rejects.toThrow(/channels\[0\]\.poll\.enabled: connector erp-hooks has no poll section/);
    // Unset: a webhook-only ERP channel, no poll and no error.
    expect(await polls([erpChannel({ connector: 'erp-hooks' })])).toEqual([]);
  });

  it('refuses a second channel polling the same connector (one cursor per connector), naming both', async () => {
    const two = [erpChannel(), erpChannel({ id: 'erp-orders-2', shop: 'ERP2' })];
    await expect(polls(two)).rejects.toThrow(/channels\[1\]\.connector: connector erp is already polled into channel erp-orders \(channels\[0\]\); .*poll\.enabled: false/);
    // The second one taking only webhooks is fine, and so is a disabled one.
    expect(await polls([erpChannel(), erpChannel({ id: 'erp-orders-2', shop: 'ERP2', poll: { enabled: false } })])).toHaveLength(1);
    expect(await polls([erpChannel(), erpChannel({ id: 'erp-orders-2', shop: 'ERP2', enabled: false })])).toHaveLength(1);
  });

  it('agrees with pollTargets: an ERP channel is never a shop poll, whatever its poll.enabled says', async () => {
    for (const poll of [{}, { enabled: true }, { enabled: false }]) {
      const { config, registry } = setup([erpChannel({ poll })]);
      expect(pollTargets(config, registry)).toEqual([]);
      expect(await legacyErpPolls(config, registry)).toHaveLength(poll.enabled === false ? 0 : 1);
    }
  });
});
