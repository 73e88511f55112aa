import type { Hub } from '../../src/hub.js';
import { json } from './json.js';
import { newOrderId, sampleOrder, shopifyRequest } from './shopify.js';

export interface Delivery {
  orderId: string;
  webhookId: string;
  body: string;
  status: number;
  retryAfter: string | null;
  ms: number;
  sentAt: number;
  orderKey: string | null;
}

/** One Shopify webhook for a fresh order, with what the hub answered and how long it took. */
export async function deliver(hub: Hub, orderId = newOrderId(), patch?: (o: string) => string): Promise<Delivery> {
  const body = sampleOrder(orderId, patch);
  const webhookId = `w-${orderId}`;
  const sentAt = Date.now();
  const res = await hub.app.request('/webhooks/shopify', shopifyRequest(body, { webhookId }));
  const ms = Date.now() - sentAt;
  const out = res.status === 200 ? await json(res) : null;
  return { orderId, webhookId, body, status: res.status, retryAfter: res.headers.get('retry-after'), ms, sentAt, orderKey: out?.orderKey ?? null };
}

/** Delivers webhooks back to back, a few at a time, until stop() resolves; then returns them all. */
export function steadyTraffic(hub: Hub, opts: { concurrency?: number; gapMs?: number; patch?: (o: string) => string } = {}) {
  const all: Delivery[] = [];
  let stopped = false;
  const lane = async () => {
    while (!stopped) {
      all.push(await deliver(hub, newOrderId(), opts.patch));
      await new Promise((r) => setTimeout(r, opts.gapMs ?? 50));
    }
  };
  const lanes = Array.from({ length: opts.concurrency ?? 3 }, () => lane());
  return {
    deliveries: all,
    async stop(): Promise<Delivery[]> {
      stopped = true;
      await Promise.all(lanes);
      return all;
    },
  };
}

/** Order workflow ids on the hub's task queue, from Temporal's visibility store. */
export async function orderWorkflowIds(hub: Hub & { taskQueue: string }): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const wf of hub.client.workflow.list({ query: `TaskQueue = '${hub.taskQueue}' AND WorkflowType = 'orderLifecycle'` })) ids.add(wf.workflowId);
  return ids;
}
