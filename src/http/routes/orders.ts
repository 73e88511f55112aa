import { Hono } from 'hono';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { getOrderState } from '../../../workflows/order-lifecycle.js';
import { workflowIdFor } from '../../intake/order-intake.js';
import type { OrderIndex } from '../../store/orders.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';

export const OrderStateResponse = z
  .object({
    orderKey: z.string(),
    workflowId: z.string(),
    runStatus: z.string().meta({ description: 'Temporal execution status: RUNNING, COMPLETED, FAILED...' }),
    state: z.string(),
    platformStatus: z.string(),
    timeline: z.array(z.object({ state: z.string(), at: z.string(), cause: z.string(), actor: z.string() })),
    mappings: z.record(z.string(), z.number()),
    order: z.unknown().meta({ description: 'The canonical order (schema: CanonicalOrder)' }),
  })
  .meta({ id: 'OrderState' });

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export function orderRoutes(d: { temporal: Client; index: OrderIndex; apiKeys: readonly ApiKeyEntry[] }) {
  const app = new Hono<AppEnv>();
  app.use('*', requireRole(d.apiKeys, 'customer_service', 'warehouse', 'finance', 'platform_engineer', 'sre'));

  app.get('/', async (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, 'invalid_query', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const keys = await d.index.recent(q.data.limit);
    const orders = await Promise.all(keys.map((k) => d.index.get(k)));
    return c.json({ orders: orders.filter(Boolean) });
  });

  /** `:id` is the hub's order key (`<channel>:<platform order id>`) or the workflow id. */
  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const workflowId = id.startsWith('order:') ? id : workflowIdFor(id);
    const handle = d.temporal.workflow.getHandle(workflowId);
    try {
      const [desc, state] = await Promise.all([handle.describe(), handle.query(getOrderState)]);
      return c.json({ ...state, workflowId, runStatus: desc.status.name });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${id}`);
      throw err;
    }
  });
  return app;
}
