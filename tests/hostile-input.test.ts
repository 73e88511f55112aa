import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub.js';
import { startTestHub } from './support/hub.js';
import { json } from './support/json.js';

// Issue 14: payloads written by an attacker, not by a platform. Each probe here once hurt the hub.

const ENGINEER_KEY = 'test-engineer-key';
const engineer = { authorization: `Bearer ${ENGINEER_KEY}` };
let hub: Hub;

beforeAll(async () => {
  hub = await startTestHub({
    worker: false,
    env: { ENGINEER_KEY },
    config: {
      auth: {
        apiKeys: [
          { name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] },
          { name: 'engineer', key: '${ENGINEER_KEY}', roles: ['platform_engineer'] },
        ],
      },
    },
  });
});
afterAll(async () => {
  await hub?.stop();
});

describe('no code from data', () => {
  it('a legacy-ERP order whose lines_json is a regex bomb gets a clear 422 naming the field, and /healthz answers meanwhile', async () => {
    const probe = {
      order_no: 'SO-PROBE-1',
      status: 'paid',
      created_at: '2026-03-11 21:00:00',
      lines_json: '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
    };
    const dry = hub.app.request('/api/mappings/legacy-erp/order.v1/dry-run', { method: 'POST', body: JSON.stringify(probe), headers: engineer });
    // One turn of the event loop: a mapping that blocks it holds this request until it is done.
    await new Promise((r) => setImmediate(r));
    const health = hub.app.request('/healthz');
    const [dryRes, healthRes] = await Promise.all([dry, health]);
    expect(healthRes.status).toBe(200);
    expect(dryRes.status).toBe(422);
    const err = (await json(dryRes)).error;
    expect(err.code).toBe('mapping_failed');
    expect(err.message).toMatch(/legacy-erp\/order\.v1.*\$parseJson: lines_json: not valid JSON text/);
    expect(err.message).not.toContain('aaaa');
  });
});
