import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { CAPABILITY } from '../../src/sdk/capabilities.js';
import legacyErp from './index.js';

const deps = { logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() };
const connector = async (extra: Record<string, unknown>) => legacyErp.create(legacyErp.configSchema.parse({ connection: 'Driver={x}', ...extra }), deps);

describe('legacy-erp surfaces: what the core drives by capability', () => {
  it('a poll section gives order.pull a table to poll, a webhook section gives order.webhook its events; neither, nothing', async () => {
    const polled = (await connector({ poll: { table: 'orders', keyColumn: 'order_no', updatedAtColumn: 'updated_at' }, intervalSeconds: 30 })).surfaces?.();
    expect(polled?.[CAPABILITY.ORDER_PULL]).toMatchObject({ intervalSeconds: 30, settings: { keyColumn: 'order_no', batchSize: 500 } });
    expect(polled?.[CAPABILITY.ORDER_WEBHOOK]).toBeUndefined();
    const hooked = (await connector({ webhook: { apiKey: 'k', warehouse: 'WH1' } })).surfaces?.();
    expect(hooked?.[CAPABILITY.ORDER_WEBHOOK]).toMatchObject({ mapping: 'legacy-erp/event.v1', warehouse: 'WH1' });
    expect(hooked?.[CAPABILITY.ORDER_PULL]).toBeUndefined();
    expect((await connector({})).surfaces?.()).toEqual({});
  });
});
