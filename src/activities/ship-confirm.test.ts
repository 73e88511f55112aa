import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { canonicalOrder } from '../../tests/support/lifecycle-builders.js';
import { CanonicalOrder } from '../canonical/order.js';
import { PLATFORM } from '../canonical/status.js';
import { loadCarrierCodes } from '../lifecycle/carrier-codes.js';
import { createLogger } from '../logger.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { packageRoot } from '../util/package-info.js';
import { createShipConfirm } from './ship-confirm.js';

/**
 * 发货回传 on the WeChat Channels shop and the Kuaishou shop with the built-in couriers, through
 * the real carrier-code table: the platform's shipment.confirm gets the platform's own code.
 */
const env = { SF: 'sf-check', EMS: 'ems-secret' };
async function shipConfirm() {
  const registry = new AdapterRegistry({ logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() }, env);
  for (const d of BUILTIN_ADAPTERS) registry.register(d);
  registry.configure([
    { id: 'sf', adapter: 'sf-express', config: { url: 'http://127.0.0.1:2', partnerId: 'p', checkword: '${SF}' } },
    { id: 'ems', adapter: 'ems', config: { baseUrl: 'http://127.0.0.1:3', partnerId: 'p', secret: '${EMS}' } },
  ]);
  const codes = await loadCarrierCodes(path.join(packageRoot(), 'mappings'));
  const sent: unknown[] = [];
  const confirm = createShipConfirm({
    registry,
    carrierCode: (platform, courier) => codes.carrierCodeFor(platform, courier),
    invoke: async (req) => {
      sent.push(req.input);
      return { confirmed: true };
    },
  });
  return { confirm, sent };
}
function orderOn(platform: string): CanonicalOrder {
  const o = canonicalOrder({ id: '3705115058471208928' });
  return CanonicalOrder.parse({ ...o, source: { ...o.source, platform } });
}

describe('ship-confirm on the WeChat Channels shop and the Kuaishou shop', () => {
  it.each([
    [PLATFORM.WECHAT, 'sf', 'SF'],
    [PLATFORM.WECHAT, 'ems', 'EMS'],
    [PLATFORM.KUAISHOU, 'sf', '4'],
  ])('%s with courier %s confirms with the platform code %s', async (platform, courier, code) => {
    const { confirm, sent } = await shipConfirm();
    await expect(confirm({ connector: 'shop', courier, idempotencyKey: 'k', order: orderOn(platform), waybillNo: 'W1', shippedAt: '2026-12-06T10:00:00+08:00' })).resolves.toEqual({ confirmed: true, carrierCode: code });
    expect(sent).toEqual([{ orderId: '3705115058471208928', trackingNumber: 'W1', carrierCode: code }]);
  });

  it('a courier whose Kuaishou code no source gives fails NotConfigured naming the courier and the platform, sending nothing', async () => {
    const { confirm, sent } = await shipConfirm();
    await expect(confirm({ connector: 'shop', courier: 'ems', idempotencyKey: 'k', order: orderOn(PLATFORM.KUAISHOU), waybillNo: 'W1', shippedAt: '2026-12-06T10:00:00+08:00' })).rejects.toMatchObject({
      type: FAILURE_TYPE.NOT_CONFIGURED,
      nonRetryable: true,
      message: expect.stringMatching(/courier "EMS" on platform "kuaishou"/),
    });
    expect(sent).toEqual([]);
  });
});
