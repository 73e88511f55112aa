import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { HubConfig } from '../../src/config/schema.js';
import { createHub, type Hub } from '../../src/hub.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { installTemporalLogger } from '../../src/temporal/runtime-logger.js';

export const TEST_SECRET = 'test-shopify-secret';
export const ADMIN_KEY = 'test-admin-key';
export const CS_KEY = 'test-cs-key';
export const ENGINEER_KEY = 'test-engineer-key';
export const SHOP = 'zhongshu-test.myshopify.com';
export const PHONE_HASH_KEY = 'test-phone-hash-key';

/**
 * A hub wired to the shared test servers, with its own task queue and Redis key prefix so tests
 * in one run never see each other's orders.
 */
export async function startTestHub(overrides: { config?: Record<string, unknown>; logger?: Logger; worker?: boolean; env?: Record<string, string>; prefix?: string; taskQueue?: string; tweak?: (config: HubConfig) => void } = {}): Promise<Hub & { prefix: string; taskQueue: string }> {
  const id = randomUUID().slice(0, 8);
  // A second hub may join the same queue and keys (a restarted worker) by passing them.
  const prefix = overrides.prefix ?? `t${id}:`;
  const taskQueue = overrides.taskQueue ?? `tq-${id}`;
  const env = { TEST_SHOPIFY_SECRET: TEST_SECRET, ADMIN_KEY, CS_KEY, ENGINEER_KEY, PHONE_HASH_KEY, ...overrides.env };
  // The order store: the shared test database, in a schema named after the key prefix.
  const schema = `s_${prefix.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  const r = parseConfig(
    {
      temporal: { address: inject('temporalAddress'), taskQueue },
      redis: { url: inject('redisUrl'), keyPrefix: prefix },
      database: { url: inject('hubDatabaseUrl'), schema, phoneHashKey: '${PHONE_HASH_KEY}' },
      auth: {
        apiKeys: [
          { name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] },
          { name: 'cs', key: '${CS_KEY}', roles: ['customer_service'] },
          // Raw quarantined bodies (buyer PII) are for platform engineers only.
          { name: 'engineer', key: '${ENGINEER_KEY}', roles: ['platform_engineer'] },
        ],
      },
      channels: [{ id: 'shopify-test', adapter: 'shopify', shop: SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' }],
      log: { level: process.env['TEST_LOG_LEVEL'] ?? 'silent' },
      ...overrides.config,
    },
    env,
  );
  if (!r.ok) throw new Error(`test config invalid: ${JSON.stringify(r.problems)}`);
  // Values the schema keeps at operator scale (e.g. a close after hours), set on the parsed config as the simulator does.
  overrides.tweak?.(r.config);
  installTemporalLogger(createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'error', name: 'temporal-sdk' }));
  const hub = await createHub(r.config, {
    logger: overrides.logger ?? createLogger({ level: r.config.log.level }),
    workflowBundle: { codePath: inject('workflowBundlePath') },
    processMetrics: false,
    worker: overrides.worker ?? true,
    env,
  });
  await hub.start();
  return Object.assign(hub, { prefix, taskQueue });
}
