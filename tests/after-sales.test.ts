import { readFileSync } from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDouyinPush } from '../adapters/douyin/webhook.js';
import { signYouzanPush } from '../adapters/youzan/webhook.js';
import { createAfterSalesActivities } from '../src/after-sales/activities.js';
import { CaseStore } from '../src/after-sales/store.js';
import { InventoryPool } from '../src/inventory/pool.js';
import { createLogger } from '../src/logger.js';
import { ReturnsPool } from '../src/inventory/returns.js';
import type { Hub } from '../src/hub.js';
import { packageRoot } from '../src/util/package-info.js';
import { getCaseState } from '../workflows/after-sales/definitions.js';
import type { CaseSnapshot } from '../workflows/after-sales/types.js';
import { getOrderState, platformSnapshot, type OrderState } from '../workflows/order-lifecycle.js';
import { recordHistory } from './support/histories.js';
import { ADMIN_KEY, CS_KEY, SHOP, startTestHub } from './support/hub.js';
import { newOrderId, shopifyRequest } from './support/shopify.js';
import { json } from './support/json.js';

/**
 * After-sales cases on a real Temporal dev server and Redis: a Douyin after-sales push opens one
 * case linked to its order (order detail from msw: the Douyin open platform cannot run here), a
 * redelivery changes nothing, the warehouse's return restocks once, and the case closes only when
 * the platform reports the refund; a refund after pickup opens a case from the order itself.
 */
const APP_KEY = '7000000000000000001';
const SECRET = 'dy-secret';
const fixture = JSON.parse(readFileSync(path.join(packageRoot(), 'mappings/douyin/__fixtures__/order.v1/bare-county-level-no-optionals.input.json'), 'utf8')) as Record<string, unknown>;
const LINE = '6920000000000000012';
const SKU = 'FT-1KG';
const FINANCE_KEY = 'test-finance-key';
const YZ_CLIENT = 'yz-client';

const server = setupServer(
  http.post('https://dy.test/order/orderDetail', async ({ request }) => {
    const p = z.object({ shop_order_id: z.string() }).parse(JSON.parse(await request.text()));
    return HttpResponse.json({ err_no: 0, code: 10000, data: { shop_order_detail: { ...fixture, order_id: p.shop_order_id, order_status: 2, main_status: 103 } } });
  }),
);
let hub: Hub & { prefix: string };

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  hub = await startTestHub({
    env: { DY_SECRET: SECRET, DY_TOKEN: 'tok', FINANCE_KEY, YZ_SECRET: 'yz-secret' },
    config: {
      connectors: [
        { id: 'dy', adapter: 'douyin', config: { appKey: APP_KEY, appSecret: '${DY_SECRET}', accessToken: '${DY_TOKEN}', baseUrl: 'https://dy.test' } },
        { id: 'yz', adapter: 'youzan', config: { clientId: YZ_CLIENT, clientSecret: '${YZ_SECRET}' } },
      ],
      channels: [
        { id: 'dy-main', adapter: 'douyin', shop: '12345', connector: 'dy', mapping: 'douyin/order.v1', poll: { enabled: false } },
        { id: 'yz-main', adapter: 'youzan', shop: '12345', connector: 'yz', mapping: 'youzan/order.v1' },
        { id: 'shopify-test', adapter: 'shopify', shop: SHOP, secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' },
      ],
      lifecycle: { enabled: true },
      auth: {
        apiKeys: [
          { name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] },
          { name: 'cs', key: '${CS_KEY}', roles: ['customer_service'] },
          { name: 'finance', key: '${FINANCE_KEY}', roles: ['finance'] },
        ],
      },
      afterSales: { defaultAssignee: { kind: 'team', id: 'cs-douyin' }, supervisors: { 'cs-douyin': 'lead-wang' } },
    },
  });
});
afterAll(async () => {
  await hub?.stop();
  server.close();
});

const body = (items: { tag: number; msgId: string; data: Record<string, unknown> }[]) => JSON.stringify(items.map((i) => ({ tag: String(i.tag), msg_id: i.msgId, data: JSON.stringify(i.data) })));
const post = (raw: string) => hub.app.request('/webhooks/douyin/dy-main', { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'app-id': APP_KEY, 'event-sign': signDouyinPush(raw, APP_KEY, SECRET) } });
const api = (p: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
  hub.app.request(`/api${p}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${init.key ?? ADMIN_KEY}`, 'content-type': 'application/json' }, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });

async function until<T>(read: () => Promise<T>, ok: (x: T) => boolean, what: string, ms = 30_000): Promise<T> {
  let last: T | undefined;
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    last = await read();
    if (ok(last)) return last;
  }
  throw new Error(`still waiting for ${what}: ${JSON.stringify(last)?.slice(0, 600)}`);
}
const caseOf = (key: string) => hub.client.workflow.getHandle(key).query(getCaseState);
const orderOf = (orderKey: string) => hub.client.workflow.getHandle(`order:${orderKey}`).query(getOrderState);

describe('a Douyin after-sales push', () => {
  const pid = `68${Date.now()}`;
  const asId = `73${Date.now()}`;
  const caseKey = `after-sales:douyin:${asId}`;
  const orderKey = `dy-main:${pid}`;
  const data = { aftersale_id: asId, p_id: pid, s_id: LINE, shop_id: 12345, aftersale_type: 0, aftersale_status: 6, refund_amount: 5_990, reason_code: 3, update_time: 1_765_000_000 };
  let number = '';

  it('opens one case linked both ways to its order', async () => {
    expect((await post(body([{ tag: 101, msgId: `71${pid}`, data: { p_id: pid, shop_id: 12345 } }]))).status).toBe(200);
    await until(() => orderOf(orderKey), (o) => o.state !== 'received', 'the order workflow');
    const res = await post(body([{ tag: 200, msgId: `80${asId}`, data }]));
    expect(res.status).toBe(200);
    const c = await until(() => caseOf(caseKey), (x) => x.caseNumber !== null && x.timeline.some((t) => t.kind === 'linked'), 'the case opened and linked');
    number = c.caseNumber ?? '';
    expect(number).toMatch(/^AS-\d{8}-\d{4}$/);
    expect(c).toMatchObject({ state: 'open', type: 'return_and_refund', orderKey, platformCaseId: asId, amount: { minor: 5_990, currency: 'CNY' }, assignee: { kind: 'team', id: 'cs-douyin' } });
    // The message names only the sub-order: SKU and quantity come from the order.
    expect(c.lines).toEqual([{ lineId: LINE, sku: SKU, qty: 1, title: expect.any(String) }]);
    const order = await until(() => orderOf(orderKey), (o) => (o.afterSalesCases ?? []).length > 0, 'the order showing its case');
    expect(order.afterSalesCases).toEqual([{ caseKey, caseNumber: number, type: 'return_and_refund', at: expect.any(String) }]);
    const listed = await until(async () => (await json(await api(`/after-sales?orderKey=${orderKey}`))) as { items: CaseSnapshot[]; total: number }, (l) => l.total === 1, 'the case in the list');
    expect(listed.items[0]).toMatchObject({ caseKey, caseNumber: number, state: 'open' });
    expect(await json(await api(`/orders/${orderKey}`))).toMatchObject({ afterSalesCaseKeys: [caseKey] });
  });

  it('a redelivered push changes nothing: the same message id, or the same news under a new id', async () => {
    const before = await caseOf(caseKey);
    expect((await post(body([{ tag: 200, msgId: `80${asId}`, data }]))).status).toBe(200);
    expect((await post(body([{ tag: 200, msgId: `81${asId}`, data }]))).status).toBe(200);
    // The second push was a signal to the running case: wait until it was handled, then compare.
    await until(async () => (await hub.client.workflow.getHandle(caseKey).fetchHistory()).events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length ?? 0, (n) => n >= 2, 'the redelivery signalled');
    const after = await caseOf(caseKey);
    expect(after.timeline).toEqual(before.timeline);
    let runs = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = '${caseKey}'` })) runs++;
    expect(runs).toBe(1);
    expect(((await json(await api(`/after-sales?orderKey=${orderKey}`))) as { total: number }).total).toBe(1);
  });

  it('a return received restocks the pool exactly once, and the case stays open until the refund is reported', async () => {
    const pool = new InventoryPool(hub.redis, hub.prefix);
    const onHandBefore = (await pool.get('WH1', SKU)).onHand;
    expect((await post(body([{ tag: 202, msgId: `82${asId}`, data: { ...data, aftersale_status: 7 } }]))).status).toBe(200);
    await until(() => caseOf(caseKey), (c) => c.state === 'awaiting_return', 'awaiting_return');
    const first = await api(`/after-sales/${number}/return-received`, { method: 'POST', body: { note: 'parcel back, sealed' }, key: CS_KEY });
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ ok: true, case: { state: 'return_received', returnReceived: true } });
    const again = await api(`/after-sales/${number}/return-received`, { method: 'POST', body: {} });
    expect(again.status).toBe(200);
    expect((await pool.get('WH1', SKU)).onHand).toBe(onHandBefore + 1);
    expect(await new ReturnsPool(hub.redis, hub.prefix).quarantined('WH1', 'RETURNS-QC')).toEqual({});

    // Not closed by a person's state change, and still open: the platform has not refunded.
    const refused = await api(`/after-sales/${number}/state`, { method: 'POST', body: { state: 'closed' }, key: CS_KEY });
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ error: { code: 'case_refused', message: expect.stringMatching(/^state: closed is not set by hand/) } });
    expect((await caseOf(caseKey)).state).toBe('return_received');

    expect((await post(body([{ tag: 206, msgId: `83${asId}`, data: { ...data, aftersale_status: 12 } }]))).status).toBe(200);
    const end = (await hub.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end.timeline.filter((t) => t.kind === 'state').map((t) => t.state)).toEqual(['open', 'awaiting_return', 'return_received', 'refunded', 'closed']);
    expect(end.closeReason).toBe('refund done on the platform');
    expect((await pool.get('WH1', SKU)).onHand).toBe(onHandBefore + 1);
    // A push after the close reaches nobody and starts nothing.
    expect((await post(body([{ tag: 206, msgId: `84${asId}`, data }]))).status).toBe(200);
    expect((await hub.client.workflow.getHandle(caseKey).describe()).status.name).toBe('COMPLETED');
  });

  it('finance reads refund cases only; customer service opens a complaint once per request id; bad input names the field', async () => {
    expect((await api(`/after-sales/${number}`, { key: FINANCE_KEY })).status).toBe(200);
    expect((await api('/after-sales', { key: 'nope' })).status).toBe(401);
    expect(await json(await api('/after-sales/after-sales%3Adouyin%3A1'))).toMatchObject({ error: { code: 'case_not_found' } });
    expect((await api('/after-sales/AS-20000101-9999')).status).toBe(404);
    // A complaint opened by customer service is theirs to read, not finance's.
    const opened = await api('/after-sales', { method: 'POST', body: { orderKey, type: 'complaint', reason: 'courier was rude', requestId: `cs-${asId}` }, key: CS_KEY });
    expect(opened.status).toBe(201);
    const complaintKey = `after-sales:manual:cs-${asId}`;
    expect(await json(opened)).toMatchObject({ ok: true, caseKey: complaintKey });
    const complaint = await until(() => caseOf(complaintKey), (x) => x.caseNumber !== null && x.timeline.some((t) => t.kind === 'linked'), 'the complaint case');
    // The read model (case summaries by order) is written by the case's own activity: wait for it.
    const listed = async () => ((await json(await api(`/after-sales?orderKey=${orderKey}`, { key: CS_KEY }))) as { total: number }).total;
    await until(listed, (n) => n === 2, 'the complaint in the read model');
    expect((await api(`/after-sales/${complaint.caseNumber ?? ''}`, { key: CS_KEY })).status).toBe(200);
    expect((await api(`/after-sales/${complaint.caseNumber ?? ''}`, { key: FINANCE_KEY })).status).toBe(403);
    const financeList = (await json(await api(`/after-sales?orderKey=${orderKey}`, { key: FINANCE_KEY }))) as { items: CaseSnapshot[] };
    expect(financeList.items.map((x) => x.type)).toEqual(['return_and_refund']);
    // Repeating the request id opens nothing new.
    expect((await api('/after-sales', { method: 'POST', body: { orderKey, type: 'complaint', reason: 'courier was rude', requestId: `cs-${asId}` }, key: CS_KEY })).status).toBe(201);
    expect(await listed()).toBe(2);
    const bad = await api('/after-sales', { method: 'POST', body: { orderKey: orderKey, type: 'refund_only' }, key: CS_KEY });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ error: { code: 'invalid_body', message: expect.stringContaining('reason') } });
    const badPush = await post(body([{ tag: 200, msgId: `85${asId}`, data: { p_id: pid } }]));
    expect(badPush.status).toBe(400);
    expect(await json(badPush)).toMatchObject({ error: { code: 'invalid_after_sale', message: expect.stringContaining('aftersale_id') } });
  });
});

describe('a refund after pickup', () => {
  it('opens an after-sales case from the order instead of being ignored, and the refund closes it', async () => {
    const pid = `67${Date.now()}`;
    const orderKey = `dy-main:${pid}`;
    await new InventoryPool(hub.redis, hub.prefix).setOnHand('WH1', SKU, 100);
    expect((await post(body([{ tag: 101, msgId: `71${pid}`, data: { p_id: pid, shop_id: 12345 } }]))).status).toBe(200);
    // Holds the rules raise for the fixture (address, risk) are approved as a person would.
    const moving = await until(
      async () => {
        const o = await orderOf(orderKey);
        if (o.state === 'on_hold') await api(`/decisions/${orderKey}`, { method: 'POST', body: { action: 'approve' } });
        return o;
      },
      (o) => o.state === 'inventory_locked' || o.state === 'waybill_issued' || o.state === 'pushed_to_wms',
      'the order waiting for pickup',
    );
    expect(moving.hold).toBeNull();
    expect((await api(`/orders/${orderKey}/tracking`, { method: 'POST', body: { event: 'picked_up', at: '2026-12-05T09:00:00+08:00' } })).status).toBe(200);
    const inTransit = await until(() => orderOf(orderKey), (o) => o.state === 'in_transit', 'in transit');
    const h = hub.client.workflow.getHandle(`order:${orderKey}`);
    const snap = (refundStatus: 'requested' | 'refunded', updatedAt: string) => ({ status: 'shipped' as const, platformStatus: '3', updatedAt, receivedAt: new Date().toISOString(), lines: [{ lineId: LINE, refundStatus }], address: inTransit.order.address });
    await h.signal(platformSnapshot, snap('requested', '2026-12-05T12:00:00+08:00'));
    const caseKey = `after-sales:douyin:refund-${pid}-${LINE}`;
    const withCase = await until(() => orderOf(orderKey), (o: OrderState) => (o.afterSalesCases ?? []).length === 1, 'the case linked to the order');
    expect(withCase.afterSalesCases?.[0]).toMatchObject({ caseKey, type: 'return_and_refund' });
    expect(withCase.timeline.some((t) => t.cause === `refund requested after pickup on line ${LINE}: after-sales case ${caseKey} opened`)).toBe(true);
    const c = await caseOf(caseKey);
    expect(c).toMatchObject({ orderKey, lines: [{ lineId: LINE, sku: SKU, qty: 1 }], reason: 'refund requested after pickup' });

    await h.signal(platformSnapshot, snap('refunded', '2026-12-05T13:00:00+08:00'));
    const end = (await hub.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end.state).toBe('closed');
    expect(end.closeReason).toBe('refund done on the platform');
    expect((await api(`/orders/${orderKey}/tracking`, { method: 'POST', body: { event: 'delivered', at: '2026-12-06T09:00:00+08:00' } })).status).toBe(200);
    const done = (await h.result()) as OrderState;
    expect(done.state).toBe('completed');
    await recordHistory(`order:${orderKey}`, 'after-sales-refund-after-pickup-case');
  });

  it("and the platform's own after-sale of that line, pushed later, end as one case: the platform's id joins the lifecycle's case", async () => {
    const pid = `66${Date.now()}`;
    const asId = `74${Date.now()}`;
    const orderKey = `dy-main:${pid}`;
    await new InventoryPool(hub.redis, hub.prefix).setOnHand('WH1', SKU, 100);
    expect((await post(body([{ tag: 101, msgId: `71${pid}`, data: { p_id: pid, shop_id: 12345 } }]))).status).toBe(200);
    const moving = await until(
      async () => {
        const o = await orderOf(orderKey);
        if (o.state === 'on_hold') await api(`/decisions/${orderKey}`, { method: 'POST', body: { action: 'approve' } });
        return o;
      },
      (o) => o.state === 'inventory_locked' || o.state === 'waybill_issued' || o.state === 'pushed_to_wms',
      'the order waiting for pickup',
    );
    expect((await api(`/orders/${orderKey}/tracking`, { method: 'POST', body: { event: 'picked_up', at: '2026-12-05T09:00:00+08:00' } })).status).toBe(200);
    await until(() => orderOf(orderKey), (o) => o.state === 'in_transit', 'in transit');
    const h = hub.client.workflow.getHandle(`order:${orderKey}`);
    await h.signal(platformSnapshot, { status: 'shipped', platformStatus: '3', updatedAt: '2026-12-05T12:00:00+08:00', receivedAt: new Date().toISOString(), lines: [{ lineId: LINE, refundStatus: 'requested' }], address: moving.order.address });
    const lifecycleKey = `after-sales:douyin:refund-${pid}-${LINE}`;
    // The case starts a moment after the signal: until then the query finds no workflow.
    await until(() => caseOf(lifecycleKey).catch(() => null), (c) => c !== null && c.caseNumber !== null, 'the lifecycle case');

    // Douyin's own after-sale of the same sub-order: request, then refund success.
    const data = { aftersale_id: asId, p_id: pid, s_id: LINE, shop_id: 12345, aftersale_type: 0, aftersale_status: 6, refund_amount: 5_990, update_time: 1_765_000_000 };
    expect((await post(body([{ tag: 200, msgId: `86${asId}`, data }]))).status).toBe(200);
    const joined = await until(() => caseOf(lifecycleKey), (c) => c.platformCaseId === asId, "the platform's id on the lifecycle case");
    expect(joined.timeline.filter((t) => t.kind === 'linked').map((t) => t.text)).toContain(`platform after-sales ${asId} is this case`);
    expect((await post(body([{ tag: 206, msgId: `87${asId}`, data: { ...data, aftersale_status: 12 } }]))).status).toBe(200);
    const end = (await hub.client.workflow.getHandle(lifecycleKey).result()) as CaseSnapshot;
    expect(end.refundDone).toBe(true);
    // One case: the platform's key never became a workflow, and the order lists one case.
    let runs = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = 'after-sales:douyin:${asId}'` })) runs++;
    expect(runs).toBe(0);
    expect((await orderOf(orderKey)).afterSalesCases?.map((c) => c.caseKey)).toEqual([lifecycleKey]);
    expect(await json(await api(`/orders/${orderKey}`))).toMatchObject({ afterSalesCaseKeys: [lifecycleKey] });
    await recordHistory(lifecycleKey, 'after-sales-lifecycle-case-joins-platform-id');
  });

  it("when the platform's own after-sale of that line came first, the lifecycle's refund after pickup joins it: one case", async () => {
    const pid = `65${Date.now()}`;
    const asId = `75${Date.now()}`;
    const orderKey = `dy-main:${pid}`;
    await new InventoryPool(hub.redis, hub.prefix).setOnHand('WH1', SKU, 100);
    expect((await post(body([{ tag: 101, msgId: `71${pid}`, data: { p_id: pid, shop_id: 12345 } }]))).status).toBe(200);
    const moving = await until(
      async () => {
        const o = await orderOf(orderKey);
        if (o.state === 'on_hold') await api(`/decisions/${orderKey}`, { method: 'POST', body: { action: 'approve' } });
        return o;
      },
      (o) => o.state === 'inventory_locked' || o.state === 'waybill_issued' || o.state === 'pushed_to_wms',
      'the order waiting for pickup',
    );
    expect((await api(`/orders/${orderKey}/tracking`, { method: 'POST', body: { event: 'picked_up', at: '2026-12-05T09:00:00+08:00' } })).status).toBe(200);
    await until(() => orderOf(orderKey), (o) => o.state === 'in_transit', 'in transit');

    // Douyin's after-sale of the sub-order arrives before the order's own snapshot shows the refund.
    const platformKey = `after-sales:douyin:${asId}`;
    const data = { aftersale_id: asId, p_id: pid, s_id: LINE, shop_id: 12345, aftersale_type: 0, aftersale_status: 6, refund_amount: 5_990, update_time: 1_765_000_000 };
    expect((await post(body([{ tag: 200, msgId: `88${asId}`, data }]))).status).toBe(200);
    await until(() => caseOf(platformKey).catch(() => null), (c) => c !== null && c.timeline.some((t) => t.kind === 'linked'), 'the platform case linked to its order');

    const h = hub.client.workflow.getHandle(`order:${orderKey}`);
    const snap = (refundStatus: 'requested' | 'refunded', updatedAt: string) => ({ status: 'shipped' as const, platformStatus: '3', updatedAt, receivedAt: new Date().toISOString(), lines: [{ lineId: LINE, refundStatus }], address: moving.order.address });
    await h.signal(platformSnapshot, snap('requested', '2026-12-05T12:00:00+08:00'));
    const lifecycleKey = `after-sales:douyin:refund-${pid}-${LINE}`;
    const noted = await until(() => orderOf(orderKey), (o) => o.timeline.some((t) => t.cause.includes(`line ${LINE}`) && t.cause.includes(platformKey)) || o.timeline.some((t) => t.cause.includes(lifecycleKey)), 'the order noting the refund after pickup');
    expect(noted.timeline.some((t) => t.cause.includes(lifecycleKey))).toBe(false);

    // The platform reports the line refunded on the order: the one case hears it and closes.
    await h.signal(platformSnapshot, snap('refunded', '2026-12-05T13:00:00+08:00'));
    const end = (await hub.client.workflow.getHandle(platformKey).result()) as CaseSnapshot;
    expect(end.refundDone).toBe(true);
    expect(end.state).toBe('closed');
    let runs = 0;
    for await (const _w of hub.client.workflow.list({ query: `WorkflowId = '${lifecycleKey}'` })) runs++;
    expect(runs).toBe(0);
    expect((await orderOf(orderKey)).afterSalesCases?.map((c) => c.caseKey)).toEqual([platformKey]);
    expect((await api(`/orders/${orderKey}/tracking`, { method: 'POST', body: { event: 'delivered', at: '2026-12-06T09:00:00+08:00' } })).status).toBe(200);
    expect(((await h.result()) as OrderState).state).toBe('completed');
    await recordHistory(`order:${orderKey}`, 'after-sales-refund-after-pickup-joins-platform-case');
  });
});

describe('claimCaseLine (the lifecycle asks before it opens a refund-after-pickup case)', () => {
  it('answers the first claim of a line; a platform case saved before line claims existed owns its line; a closed one does not', async () => {
    const acts = createAfterSalesActivities({ redis: hub.redis, keyPrefix: hub.prefix, logger: createLogger({ level: 'silent' }), config: hub.config });
    const store = new CaseStore(hub.redis, hub.prefix);
    const pid = `64${Date.now()}`;
    const orderKey = `dy-main:${pid}`;
    const own = (line: string) => `after-sales:douyin:refund-${pid}-${line}`;
    expect(await acts.claimCaseLine({ orderKey, lineId: 'L1', caseKey: own('L1') })).toEqual({ owner: own('L1') });
    expect(await acts.claimCaseLine({ orderKey, lineId: 'L1', caseKey: 'after-sales:douyin:other' })).toEqual({ owner: own('L1') });
    // Only in the read model (opened before claims): an open platform case naming L2, a closed one naming L3.
    const summary = (caseKey: string, line: string, state: 'open' | 'closed'): CaseSnapshot => ({
      caseKey, caseNumber: null, type: 'return_and_refund', state, platform: 'douyin', channel: 'dy-main', shop: '12345', platformCaseId: caseKey.split(':')[2] ?? null, orderKey,
      lines: [{ lineId: line, sku: SKU, qty: 1 }], amount: null, reason: null, assignee: null, openedAt: '2026-12-05T10:00:00+08:00', lastProgressAt: '2026-12-05T10:00:00+08:00',
      refundDone: false, returnReceived: false, closeReason: null, escalations: [], timeline: [],
    });
    await store.save(`after-sales:douyin:77${pid}`, 1, summary(`after-sales:douyin:77${pid}`, 'L2', 'open'));
    await store.save(`after-sales:douyin:78${pid}`, 1, summary(`after-sales:douyin:78${pid}`, 'L3', 'closed'));
    expect(await acts.claimCaseLine({ orderKey, lineId: 'L2', caseKey: own('L2') })).toEqual({ owner: `after-sales:douyin:77${pid}` });
    expect(await acts.claimCaseLine({ orderKey, lineId: 'L3', caseKey: own('L3') })).toEqual({ owner: own('L3') });
  });
});

describe('a Shopify refunds/create', () => {
  it('opens a refunded case that waits for the returned goods, once per refund', async () => {
    const orderId = newOrderId();
    const refundId = `9${Date.now()}`;
    // Ids beyond 2^53 as Shopify sends them: bare numbers in the JSON text.
    const refund = JSON.stringify({
      id: 'REFUND_ID',
      order_id: 'ORDER_ID',
      created_at: '2026-12-05T10:00:00-05:00',
      note: 'wrong size',
      refund_line_items: [{ line_item_id: 466157049, quantity: 1, restock_type: 'return', line_item: { sku: 'IPOD2008GREEN' } }],
      transactions: [{ kind: 'refund', status: 'success', amount: '41.94', currency: 'USD', gateway: 'bogus' }],
    })
      .replace('"REFUND_ID"', refundId)
      .replace('"ORDER_ID"', orderId);
    const send = (webhookId: string) => hub.app.request('/webhooks/shopify', shopifyRequest(refund, { topic: 'refunds/create', webhookId }));
    const res = await send(`w-${refundId}`);
    expect(res.status).toBe(200);
    const caseKey = `after-sales:shopify:${refundId}`;
    expect(await json(res)).toMatchObject({ ok: true, caseKey, duplicate: false });
    const c = await until(() => caseOf(caseKey), (x) => x.refundDone && x.timeline.some((t) => t.kind === 'linked'), 'the refund case, opened and linked');
    expect(c).toMatchObject({ state: 'awaiting_return', type: 'return_and_refund', amount: { minor: 4194, currency: 'USD' }, orderKey: `shopify-test:${orderId}`, lines: [{ lineId: '466157049', sku: 'IPOD2008GREEN', qty: 1 }] });
    // Redelivered (same webhook id): answered as a duplicate before anything is signalled.
    expect(await json(await send(`w-${refundId}`))).toMatchObject({ ok: true, duplicate: true });
    expect((await caseOf(caseKey)).timeline).toEqual(c.timeline);

    const bad = await hub.app.request('/webhooks/shopify', shopifyRequest(JSON.stringify({ id: 1, order_id: 2 }), { topic: 'refunds/create', webhookId: `w-bad-${refundId}` }));
    expect(bad.status).toBe(422);
    expect(await json(bad)).toMatchObject({ error: { code: 'invalid_refund', message: expect.stringContaining('created_at') } });

    const pool = new InventoryPool(hub.redis, hub.prefix);
    const before = (await pool.get('WH1', 'IPOD2008GREEN')).onHand;
    expect((await api(`/after-sales/${c.caseNumber ?? ''}/return-received`, { method: 'POST', body: {}, key: CS_KEY })).status).toBe(200);
    const end = (await hub.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end.timeline.filter((t) => t.kind === 'state').map((t) => t.state)).toEqual(['open', 'awaiting_return', 'return_received', 'refunded', 'closed']);
    expect((await pool.get('WH1', 'IPOD2008GREEN')).onHand).toBe(before + 1);
  });
});

describe('a Youzan refund push', () => {
  it('opens its case where the adapter receives it, instead of being mapped as an order; the refund success closes a refund-only case', async () => {
    const refundId = `20${Date.now()}`;
    const push = (type: string, msgId: string) => {
      const msg = encodeURIComponent(JSON.stringify({ tid: `E${refundId}`, oids: '1001', refund_id: refundId, refunded_fee: '12.30', refund_type: 'REFUND_ONLY', refund_reason: '不想要了', version: 1 }));
      return hub.app.request('/webhooks/youzan/yz-main', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: YZ_CLIENT, id: `E${refundId}`, kdt_id: 12345, type, msg, msg_id: msgId, version: 1, test: false, sign: signYouzanPush(YZ_CLIENT, msg, 'yz-secret') }) });
    };
    expect((await push('trade_refund_BuyerCreated', `y1-${refundId}`)).status).toBe(200);
    const caseKey = `after-sales:youzan:${refundId}`;
    const c = await until(() => caseOf(caseKey), (x) => x.caseNumber !== null, 'the youzan case');
    expect(c).toMatchObject({ state: 'open', type: 'refund_only', orderKey: `yz-main:E${refundId}`, amount: { minor: 1230, currency: 'CNY' }, reason: '不想要了' });
    expect((await hub.metrics.quarantined.get()).values.filter((v) => v.labels['channel'] === 'yz-main')).toEqual([]);
    expect((await push('trade_refund_RefundSuccess', `y2-${refundId}`)).status).toBe(200);
    const end = (await hub.client.workflow.getHandle(caseKey).result()) as CaseSnapshot;
    expect(end.timeline.filter((t) => t.kind === 'state').map((t) => t.state)).toEqual(['open', 'refunded', 'closed']);
  });
});

describe('returns kept apart (afterSales.returns.disposition quarantine)', () => {
  it('moves the units to the quarantine location once, leaving on hand alone', async () => {
    const returns = new ReturnsPool(hub.redis, hub.prefix);
    const pool = new InventoryPool(hub.redis, hub.prefix);
    const before = (await pool.get('WH1', 'QC-SKU')).onHand;
    const put = () => returns.putBack({ restockKey: 'after-sales:test:qc-1:return', warehouse: 'WH1', lines: [{ sku: 'QC-SKU', qty: 3 }], disposition: 'quarantine', location: 'RETURNS-QC' });
    expect(await put()).toEqual({ applied: true });
    expect(await put()).toEqual({ applied: false });
    expect(await returns.quarantined('WH1', 'RETURNS-QC')).toMatchObject({ 'QC-SKU': 3 });
    expect((await pool.get('WH1', 'QC-SKU')).onHand).toBe(before);
    await expect(returns.putBack({ restockKey: 'k2', warehouse: 'WH1', lines: [], disposition: 'restock', location: 'x' })).rejects.toThrow(/lines: at least one returned line/);
  });
});
