import { Hono } from 'hono';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { cancelOrder, changeAddress, getOrderState, trackingEvent } from '../../../workflows/order-lifecycle.js';
import { Address } from '../../canonical/order.js';
import type { Metrics } from '../metrics.js';
import { errorMessage } from '../../util/errors.js';
import { zodProblem } from './decisions.js';
import { workflowIdFor } from '../../intake/order-intake.js';
import type { OrderIndex } from '../../store/orders.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { readJsonBody } from '../json-body.js';
import { orderForView, piiViewFor, type PiiViews } from '../pii-view.js';

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

export const CancelBody = z
  .object({
    cause: z.string().min(1).max(500),
    /** Cancelling a paid order needs a second confirmation (DOMAIN: roles and audit). */
    confirm: z.literal(true, { message: 'cancelling a paid order needs "confirm": true' }),
  })
  .strict()
  .meta({ id: 'CancelOrder' });

export const TrackingBody = z
  .object({
    event: z.enum(['picked_up', 'in_transit', 'delivered']),
    at: z.iso.datetime({ offset: true }),
    waybillNo: z.string().nullable().optional(),
  })
  .strict()
  .meta({ id: 'TrackingEvent' });

export const AddressChangeBody = z.object({ address: Address, note: z.string().max(500).optional() }).strict().meta({ id: 'AddressChange' });

const jsonBody = readJsonBody;

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export function orderRoutes(d: { temporal: Client; index: OrderIndex; apiKeys: readonly ApiKeyEntry[]; metrics: Metrics; piiViews: PiiViews }) {
  const app = new Hono<AppEnv>();
  const readers = requireRole(d.apiKeys, 'customer_service', 'warehouse', 'finance', 'platform_engineer', 'sre');
  const handleFor = (id: string) => d.temporal.workflow.getHandle(id.startsWith('order:') ? id : workflowIdFor(id));

  /** Customer service may not close orders: only the operations lead cancels. */
  app.post('/:id/cancel', requireRole(d.apiKeys), async (c) => {
    const body = CancelBody.safeParse(await jsonBody(c.req));
    if (!body.success) throw new HttpError(400, 'invalid_body', zodProblem(body.error));
    try {
      const res = await handleFor(c.req.param('id')).executeUpdate(cancelOrder, { args: [{ cause: body.data.cause, actor: c.get('principal').name }] });
      return c.json({ ok: true, ...res });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${c.req.param('id')}`);
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'cannot_cancel', errorMessage(err.cause ?? err));
      throw err;
    }
  });

  /**
   * Customer service changes the delivery address; the answer says what happened to the waybill:
   * updated (none yet), overwritten, reissued, or needs_review with the reason.
   */
  app.post('/:id/address', requireRole(d.apiKeys, 'customer_service'), async (c) => {
    const body = AddressChangeBody.safeParse(await jsonBody(c.req));
    if (!body.success) throw new HttpError(400, 'invalid_body', zodProblem(body.error));
    try {
      const res = await handleFor(c.req.param('id')).executeUpdate(changeAddress, { args: [{ address: body.data.address, source: 'customer_service', actor: c.get('principal').name }] });
      d.metrics.addressChanges.inc({ outcome: res.outcome, source: 'customer_service' });
      return c.json({ ok: true, ...res });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${c.req.param('id')}`);
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'cannot_change_address', errorMessage(err.cause ?? err));
      throw err;
    }
  });

  /** Warehouse staff (or a courier integration) report pickup and delivery. */
  app.post('/:id/tracking', requireRole(d.apiKeys, 'warehouse'), async (c) => {
    const body = TrackingBody.safeParse(await jsonBody(c.req));
    if (!body.success) throw new HttpError(400, 'invalid_body', zodProblem(body.error));
    try {
      await handleFor(c.req.param('id')).signal(trackingEvent, { ...body.data, source: `api:${c.get('principal').name}` });
      return c.json({ ok: true });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${c.req.param('id')}`);
      throw err;
    }
  });

  app.get('/', readers, async (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, 'invalid_query', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const keys = await d.index.recent(q.data.limit);
    const orders = await Promise.all(keys.map((k) => d.index.get(k)));
    return c.json({ orders: orders.filter(Boolean) });
  });

  /** `:id` is the hub's order key (`<channel>:<platform order id>`) or the workflow id. */
  app.get('/:id', readers, async (c) => {
    const id = c.req.param('id');
    const workflowId = id.startsWith('order:') ? id : workflowIdFor(id);
    const handle = d.temporal.workflow.getHandle(workflowId);
    try {
      const [desc, state] = await Promise.all([handle.describe(), handle.query(getOrderState)]);
      return c.json(orderForView({ ...state, workflowId, runStatus: desc.status.name }, piiViewFor(c.get('principal').roles, d.piiViews)));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${id}`);
      throw err;
    }
  });
  return app;
}
