import { readFileSync } from 'node:fs';
import path from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDouyinPush } from '../adapters/douyin/webhook.js';
import type { Hub } from '../src/hub.js';
import { packageRoot } from '../src/util/package-info.js';
import { ADMIN_KEY, startTestHub } from './support/hub.js';
import { json } from './support/json.js';

/**
 * Douyin pushes only tags and ids: the hub verifies event-sign, fetches the order with
 * order.orderDetail (msw: the Douyin open platform cannot run here) and hands it to intake.
 */
const APP_KEY = '7000000000000000001';
const SECRET = 'dy-secret';
const fixture = JSON.parse(readFileSync(path.join(packageRoot(), 'mappings/douyin/__fixtures__/order.v1/bare-county-level-no-optionals.input.json'), 'utf8')) as Record<string, unknown>;
const details: string[] = [];
let detailMode: 'ok' | 'rate-limited' | 'down' | 'hang' = 'ok';
const statusOf = new Map<string, number>();

const server = setupServer(
  http.post('https://dy.test/order/orderDetail', async ({ request }) => {
    const p = z.object({ shop_order_id: z.string() }).parse(JSON.parse(await request.text()));
    details.push(p.shop_order_id);
    if (detailMode === 'rate-limited') return HttpResponse.json({ err_no: 1, code: 90000, msg: '请求过于频繁，请稍后重试' });
    if (detailMode === 'down') return new HttpResponse('bad gateway', { status: 502 });
    if (detailMode === 'hang') await delay(30_000);
    return HttpResponse.json({ err_no: 0, code: 10000, data: { shop_order_detail: { ...fixture, order_id: p.shop_order_id, order_status: statusOf.get(p.shop_order_id) ?? 2, main_status: 103 } } });
  }),
);
let hub: Hub;

beforeAll(async () => {
  // Before the hub: the adapters' fetch must be the one msw intercepts.
  server.listen({ onUnhandledRequest: 'bypass' });
  hub = await startTestHub({
    env: { DY_SECRET: SECRET, DY_TOKEN: 'tok' },
    config: {
      // Two shops, so each outage case below has a breaker of its own.
      connectors: ['dy', 'dy2'].map((id) => ({ id, adapter: 'douyin', config: { appKey: APP_KEY, appSecret: '${DY_SECRET}', accessToken: '${DY_TOKEN}', baseUrl: 'https://dy.test' } })),
      // Pushes only here; the poll has its own test (tests/polling-taobao.test.ts).
      channels: [
        { id: 'dy-main', adapter: 'douyin', shop: '12345', connector: 'dy', mapping: 'douyin/order.v1', poll: { enabled: false } },
        { id: 'dy-two', adapter: 'douyin', shop: '12346', connector: 'dy2', mapping: 'douyin/order.v1', poll: { enabled: false } },
      ],
      // The full lifecycle keeps the order's workflow open (its SKU is unknown to the stock pool, so
      // it waits for a decision): an intake-only workflow may finish before the cancel arrives.
      lifecycle: { enabled: true },
      // The order-detail breaker, small enough to open and close within a test.
      // Only volume and reset are shortened: the order.get deadline is the built-in one (3 s).
      resilience: { breakers: { connectors: Object.fromEntries(['dy', 'dy2'].map((id) => [id, { capabilities: { 'order.get': { volumeThreshold: 3, resetTimeout: 1_500 } } }])) } },
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  server.close();
});

const body = (items: { tag: number | string; msgId: string; data: Record<string, unknown> }[]) => JSON.stringify(items.map((i) => ({ tag: String(i.tag), msg_id: i.msgId, data: JSON.stringify(i.data) })));
const post = (raw: string, sign = signDouyinPush(raw, APP_KEY, SECRET), channel = 'dy-main') =>
  hub.app.request(`/webhooks/douyin/${channel}`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'app-id': APP_KEY, 'event-sign': sign } });
const orderState = (id: string, channel = 'dy-main') => hub.app.request(`/api/orders/${channel}:${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
const unhandled = async (topic: string) => (await hub.metrics.webhookUnhandled.get()).values.find((v) => v.labels['topic'] === topic)?.value ?? 0;

describe('POST /webhooks/douyin/:channel', () => {
  const pid = `69${Date.now()}`;

  it('fetches the order a paid tag names and starts its workflow', async () => {
    const res = await post(body([{ tag: 101, msgId: `71${pid}`, data: { p_id: pid, shop_id: 12345, order_status: 2 } }]));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ code: 0, msg: 'success' });
    expect(details).toContain(pid);
    expect(await json(await orderState(pid))).toMatchObject({ orderKey: `dy-main:${pid}`, order: { source: { platform: 'douyin', platformOrderId: pid } } });
  });

  it('a later cancel tag fetches again and reaches the running workflow as a platform snapshot', async () => {
    expect((await hub.client.workflow.getHandle(`order:dy-main:${pid}`).describe()).status.name).toBe('RUNNING');
    statusOf.set(pid, 4);
    const res = await post(body([{ tag: 106, msgId: `72${pid}`, data: { p_id: pid, shop_id: 12345 } }]));
    expect(res.status).toBe(200);
    expect(details.filter((d) => d === pid)).toHaveLength(2);
    // A signal that arrives while a workflow task runs is written to the history when that task
    // completes: wait for it rather than race it.
    const signals = async () => ((await hub.client.workflow.getHandle(`order:dy-main:${pid}`).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'platformSnapshot');
    await expect.poll(async () => (await signals()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await signals()).toHaveLength(1);
    let n = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = 'order:dy-main:${pid}'` })) n++;
    expect(n).toBe(1);
  });

  it('rejects a replayed message id, a tampered body and a wrong signature without fetching', async () => {
    const before = details.length;
    const replay = await post(body([{ tag: 101, msgId: `71${pid}`, data: { p_id: pid, shop_id: 12345 } }]));
    expect(replay.status).toBe(200);
    const raw = body([{ tag: 101, msgId: `73${pid}`, data: { p_id: pid, shop_id: 12345 } }]);
    const tampered = await post(raw.replace('"101"', '"106"'), signDouyinPush(raw, APP_KEY, SECRET));
    expect(tampered.status).toBe(401);
    expect(await json(tampered)).toMatchObject({ error: { code: 'invalid_signature' } });
    expect((await post(raw, signDouyinPush(raw, APP_KEY, 'wrong-secret'))).status).toBe(401);
    expect(details.length).toBe(before);
  });

  it('acknowledges after-sales and unknown tags, counts and logs them, fetches nothing', async () => {
    const before = details.length;
    const [a, u] = [await unhandled('201'), await unhandled('999')];
    const res = await post(body([
      { tag: 201, msgId: `74${pid}`, data: { aftersale_id: '7', p_id: pid } },
      { tag: 999, msgId: `75${pid}`, data: {} },
    ]));
    expect(res.status).toBe(200);
    expect(details.length).toBe(before);
    expect(await unhandled('201')).toBe(a + 1);
    expect(await unhandled('999')).toBe(u + 1);
  });

  it('answers 503 while the detail cannot be fetched, and handles the re-push once it can', async () => {
    const other = `${pid}7`;
    const raw = body([{ tag: 100, msgId: `76${other}`, data: { p_id: other, shop_id: 12345 } }]);
    detailMode = 'rate-limited';
    const res = await post(raw);
    expect(res.status).toBe(503);
    expect((await orderState(other)).status).toBe(404);
    detailMode = 'ok';
    expect((await post(raw)).status).toBe(200);
    expect(await json(await orderState(other))).toMatchObject({ orderKey: `dy-main:${other}` });
  });

  it.each(['down', 'hang'] as const)('an order API outage (%s) opens the circuit: pushes answer 503 without calling the API, and go through once it is back', async (mode) => {
    const [connector, channel, shop] = mode === 'down' ? ['dy', 'dy-main', 12345] : ['dy2', 'dy-two', 12346];
    const opened = async () => (await hub.metrics.registry.getSingleMetric('zhongshu_breaker_opens_total')?.get())?.values.find((v) => v.labels['connector'] === connector && v.labels['capability'] === 'order.get')?.value ?? 0;
    const opensBefore = await opened();
    detailMode = mode;
    // A hanging API must trip the circuit too: its deadline is the breaker's own, so it counts.
    const ids = Array.from({ length: 12 }, (_, i) => `${pid}8${mode === 'down' ? 1 : 2}${i}`);
    const push = (id: string) => {
      const raw = body([{ tag: 100, msgId: `77${id}`, data: { p_id: id, shop_id: shop } }]);
      return post(raw, signDouyinPush(raw, APP_KEY, SECRET), channel);
    };
    // Pushes while the API is down: each refused with 503, until the circuit opens and a push is
    // refused without a request reaching the API.
    let shortCircuited = 0;
    for (const id of ids) {
      const before = details.length;
      const res = await push(id);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('10');
      if (details.length === before) shortCircuited++;
    }
    expect(shortCircuited).toBeGreaterThan(0);
    expect(await opened()).toBeGreaterThan(opensBefore);
    for (const id of ids) expect((await orderState(id, channel)).status).toBe(404);

    // The API is back: after the reset period a trial goes through and closes the circuit; the
    // platform's re-pushes (same message ids) are then each fetched and started once.
    detailMode = 'ok';
    const fetchedBefore = details.length;
    await expect.poll(async () => (await push(ids[0] ?? '')).status, { timeout: 15_000, interval: 300 }).toBe(200);
    for (const id of ids) expect((await push(id)).status).toBe(200);
    for (const id of ids) expect(await json(await orderState(id, channel))).toMatchObject({ orderKey: `${channel}:${id}` });
    expect(details.slice(fetchedBefore).sort()).toEqual([...ids].sort());
  });
});
