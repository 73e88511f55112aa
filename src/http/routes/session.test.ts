import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { apiKeysFromConfig } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { Registry } from 'prom-client';
import { registerResilienceMetrics } from '../../resilience/metrics.js';
import { rateLimitSummary } from '../status-sources.js';
import { sessionRoutes, StatusResponse, type StatusDeps } from './session.js';

const keys = apiKeysFromConfig([
  { name: 'cs', key: 'cs-key', roles: ['customer_service'] },
  { name: 'sre', key: 'sre-key', roles: ['sre', 'warehouse'] },
]);
const NOW = new Date('2026-12-06T08:00:00+08:00');

function app(cursors: Record<string, string | Error | null>, extra: Pick<StatusDeps, 'schedules' | 'rateLimits'> = {}) {
  const a = new Hono<AppEnv>();
  a.route(
    '/api',
    sessionRoutes({
      apiKeys: keys,
      status: {
        now: () => NOW,
        polledChannels: Object.keys(cursors),
        breakers: { notClosed: () => [{ connector: 'sf', capability: 'waybill.create', openedAt: NOW.getTime() - 60_000 }] },
        notifications: { backlog: async () => ({ waiting: [{ target: 'wecom-ops', messages: 3 }], dead: 2 }) },
        ...extra,
        cursors: {
          get: async (ch) => {
            const v = cursors[ch];
            if (v instanceof Error) throw v;
            return v ? new Date(v) : null;
          },
          lost: async (ch) => (ch === 'tb' ? [{ range: 'a/b', reportedAt: NOW.toISOString() }] : []),
        },
      },
    }),
  );
  a.onError((err, c) => (err instanceof HttpError ? c.json({ error: { code: err.code } }, err.status) : c.json({ error: { code: 'internal' } }, 500)));
  return a;
}
const auth = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe('GET /api/session', () => {
  it('names the key and its roles, and refuses a request without a valid key', async () => {
    const a = app({});
    const res = await a.request('/api/session', auth('sre-key'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'sre', roles: ['sre', 'warehouse'] });
    expect((await a.request('/api/session')).status).toBe(401);
    expect((await a.request('/api/session', auth('nope'))).status).toBe(401);
  });
});

describe('GET /api/status', () => {
  it('gives open breakers, each polled channel with its cursor lag (a broken cursor named rather than failing the rest) and the notification backlog', async () => {
    const res = await app({ tb: '2026-12-06T07:55:00+08:00', pdd: null, bad: new Error('poll cursor holds "x"') }).request('/api/status', auth('sre-key'));
    expect(res.status).toBe(200);
    const body = StatusResponse.parse(await res.json());
    expect(body.breakers).toEqual([{ connector: 'sf', capability: 'waybill.create', openedAt: '2026-12-05T23:59:00.000Z' }]);
    expect(body.polls).toEqual([
      { channel: 'tb', cursor: '2026-12-05T23:55:00.000Z', lagSeconds: 300, lost: 1 },
      { channel: 'pdd', cursor: null, lagSeconds: null, lost: 0 },
      { channel: 'bad', cursor: null, lagSeconds: null, lost: 0, error: 'poll cursor holds "x"' },
    ]);
    expect(body.notifications).toEqual({ waiting: [{ target: 'wecom-ops', messages: 3 }], dead: 2 });
    expect(body.schedules).toEqual([]);
    expect(body.rateLimits).toEqual([]);
  });

  it('lists the schedules with their last and next run and the rate-limit waits read from the metrics registry', async () => {
    const registry = new Registry();
    const m = registerResilienceMetrics(registry);
    m.rateLimitWaits.inc({ connector: 'sf', capability: 'waybill.create' }, 3);
    m.rateLimited.inc({ connector: 'sf', capability: 'waybill.create' });
    m.rateLimitWaits.inc({ connector: 'taobao', capability: 'orders.pull' });
    const schedule = { id: 'zhongshu-stock-sync@q', purpose: 'stock push', paused: false, lastRunAt: '2026-12-05T23:50:00.000Z', nextRunAt: '2026-12-06T00:05:00.000Z' };
    const res = await app({}, { schedules: async () => [schedule], rateLimits: () => rateLimitSummary(registry) }).request('/api/status', auth('sre-key'));
    const body = StatusResponse.parse(await res.json());
    expect(body.schedules).toEqual([schedule]);
    expect(body.rateLimits).toEqual([
      { connector: 'sf', capability: 'waybill.create', waits: 3, refused: 1 },
      { connector: 'taobao', capability: 'orders.pull', waits: 1, refused: 0 },
    ]);
  });

  it('still answers when Temporal cannot list the schedules, and says why', async () => {
    const res = await app({}, { schedules: async () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) }).request('/api/status', auth('sre-key'));
    expect(res.status).toBe(200);
    const body = StatusResponse.parse(await res.json());
    expect(body.schedules).toBeNull();
    expect(body.schedulesError).toBe('14 UNAVAILABLE: connection refused');
    expect(body.notifications?.dead).toBe(2);
  });

  it('is for those who run the hub: customer service gets 403', async () => {
    expect((await app({}).request('/api/status', auth('cs-key'))).status).toBe(403);
  });
});
