import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedTemporal } from '../src/embedded/services.js';
import { createLogger } from '../src/logger.js';
import type { Hub } from '../src/hub.js';
import type { OrderState } from '../workflows/order-lifecycle.js';
import { LIFECYCLE_STATE } from '../workflows/states.js';
import { freePort } from './support/global-setup.js';
import { startTestHub } from './support/hub.js';
import { json } from './support/json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './support/shopify.js';

type TestHub = Hub & { prefix: string; taskQueue: string };

/** A counter's value for the test channel on the hub's /metrics (0 when it has no sample yet). */
async function counter(hub: TestHub, name: string): Promise<number> {
  const text = await (await hub.app.request('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{channel="shopify-test"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const STARTED = 'zhongshu_workflows_started_total';
const EAGER = 'zhongshu_workflows_started_eagerly_total';

/** Sends a fresh signed order and waits for its (intake-only) workflow to finish. */
async function orderThrough(hub: TestHub): Promise<{ workflowId: string; result: OrderState }> {
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(newOrderId())));
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(body.duplicate).toBe(false);
  const result: OrderState = await hub.client.workflow.getHandle(body.workflowId).result();
  return { workflowId: body.workflowId, result };
}

describe('eager workflow start for webhook intake (real dev server)', () => {
  let on: TestHub;
  let off: TestHub;
  beforeAll(async () => {
    [on, off] = await Promise.all([startTestHub(), startTestHub({ tweak: (c) => (c.temporal.eagerStart = false) })]);
  });
  afterAll(async () => {
    await Promise.all([on?.stop(), off?.stop()]);
  });

  it('hands a webhook-started order its first workflow task in the start answer, and the order still completes', async () => {
    const { workflowId, result } = await orderThrough(on);
    expect(result.state).toBe(LIFECYCLE_STATE.PAID);
    expect(result.timeline.map((t) => t.state)).toEqual([LIFECYCLE_STATE.RECEIVED, LIFECYCLE_STATE.PAID]);
    // The server answered the start with the workflow task (the SDK's eagerlyStarted).
    expect(await counter(on, STARTED)).toBe(1);
    expect(await counter(on, EAGER)).toBe(1);
    const { status } = await on.client.workflow.getHandle(workflowId).describe();
    expect(status.name).toBe('COMPLETED');
  });

  it('a redelivery is still a duplicate and starts nothing, eager or not', async () => {
    const orderId = newOrderId();
    const first = await on.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(orderId)));
    expect(first.status).toBe(200);
    // A newer copy (another body, so not caught by the body hash): it reaches Temporal, which refuses the start.
    const again = await on.app.request('/webhooks/shopify', shopifyRequest(sampleOrder(orderId, (o) => o.replace('"note": null', '"note": "gift"'))));
    expect(await json(again)).toMatchObject({ duplicate: true });
    expect(await counter(on, STARTED)).toBe(2);
    expect(await counter(on, EAGER)).toBe(2);
  });

  it('with temporal.eagerStart false, starts are plain and the order completes as before', async () => {
    const { result } = await orderThrough(off);
    expect(result.state).toBe(LIFECYCLE_STATE.PAID);
    expect(await counter(off, STARTED)).toBe(1);
    expect(await counter(off, EAGER)).toBe(0);
  });

  it('takes temporal.worker settings: with every workflow-task slot held by a waiting poll, no start can be eager', async () => {
    const tight = await startTestHub({ tweak: (c) => (c.temporal.worker = { maxConcurrentWorkflowTaskExecutions: 2, workflowTaskPollers: 2 }) });
    try {
      const { result } = await orderThrough(tight);
      expect(result.state).toBe(LIFECYCLE_STATE.PAID);
      expect(await counter(tight, STARTED)).toBe(1);
      expect(await counter(tight, EAGER)).toBe(0);
    } finally {
      await tight.stop();
    }
  });

  it('a hub without an in-process worker starts plainly; a worker elsewhere runs the order', async () => {
    const http = await startTestHub({ worker: false, prefix: on.prefix, taskQueue: on.taskQueue });
    try {
      const before = await counter(on, EAGER);
      const { result } = await orderThrough(http);
      expect(result.state).toBe(LIFECYCLE_STATE.PAID);
      expect(await counter(http, STARTED)).toBe(1);
      expect(await counter(http, EAGER)).toBe(0);
      expect(await counter(on, EAGER)).toBe(before);
    } finally {
      await http.stop();
    }
  });
});

describe('a server that refuses eager start (system.enableEagerWorkflowStart=false)', () => {
  let dataDir: string;
  let server: Awaited<ReturnType<typeof startEmbeddedTemporal>> | null = null;
  let hub: TestHub | null = null;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-eager-off-'));
    const logger = createLogger({ level: 'warn', name: 'test-infra' });
    server = await startEmbeddedTemporal({ dataDir, port: await freePort(), uiPort: null, namespace: 'default', fastSqlite: true, dynamicConfig: { 'system.enableEagerWorkflowStart': false }, logger, startTimeoutMs: 90_000 });
    const address = server.address;
    hub = await startTestHub({ tweak: (c) => (c.temporal.address = address) });
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
    await server?.process.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('gets a plain start although the hub asked for an eager one, and the order completes', async () => {
    if (!hub) throw new Error('hub not started');
    expect(hub.config.temporal.eagerStart).toBe(true);
    const { result } = await orderThrough(hub);
    expect(result.state).toBe(LIFECYCLE_STATE.PAID);
    expect(await counter(hub, STARTED)).toBe(1);
    expect(await counter(hub, EAGER)).toBe(0);
  });
});
