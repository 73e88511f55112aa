import { Hono } from 'hono';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { cancelOrder, changeAddress, getOrderState, trackingEvent } from '../../../workflows/order-lifecycle.js';
import { Address, CanonicalOrder } from '../../canonical/order.js';
import type { Metrics } from '../metrics.js';
import { errorMessage } from '../../util/errors.js';
import { zodProblem } from './decisions.js';
import { workflowIdFor } from '../../intake/order-intake.js';
import type { CaseStore } from '../../after-sales/store.js';
import type { OrderStore } from '../../store/db/order-store.js';
import { Restorable, RollbackBody, versionsCsv, VersionsQuery } from './order-versions.js';
import { decodeCursor, encodeCursor, OrderSearchQuery, queryProblem, singleValued } from './orders-search.js';
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
    hold: z.unknown().optional().meta({ description: 'Why the order waits for a person (null when it does not)' }),
    afterSalesCaseKeys: z.array(z.string()).optional(),
    history: z.object({ workflowId: z.string(), url: z.string().nullable() }),
    stored: z.object({ seq: z.number().int(), projectedAt: z.string(), waybills: z.array(z.object({ waybillNo: z.string(), carrier: z.string().nullable(), live: z.boolean(), confirmedAt: z.string().nullable() })), shipConfirmations: z.unknown() }).nullable().optional(),
    source: z.literal('store').optional().meta({ description: 'Present when the workflow could not answer and this is the store\'s copy' }),
    liveError: z.string().optional(),
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

/** How long a live read (describe + query) may take before the answer is 503. */
const LIVE_READ_DEADLINE_MS = 5_000;

export interface OrderRouteDeps {
  temporal: Client;
  /** The order store; null in a hub built without a database (search then answers 503). */
  store: OrderStore | null;
  /** The Temporal web UI page of a workflow's history, when a UI is known. */
  historyUrl: (workflowId: string) => string | null;
  apiKeys: readonly ApiKeyEntry[];
  metrics: Metrics;
  /** Which recipient and buyer data each role may see (auth.piiViews). */
  piiViews: PiiViews;
  /** The after-sales case index: an order lists its cases, also those opened after it ended. */
  cases?: CaseStore | undefined;
}

export function orderRoutes(d: OrderRouteDeps) {
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

  /** Search the order store: every filter optional and combined, keyset pages, totals of all matches. */
  app.get('/', readers, async (c) => {
    const q = OrderSearchQuery.safeParse(singleValued(c.req.queries()));
    if (!q.success) throw new HttpError(400, 'invalid_query', queryProblem(q.error));
    const store = d.store;
    if (!store) throw new HttpError(503, 'store_unavailable', 'this hub has no order store (database.url / DATABASE_URL)');
    const { sort, cursor, limit, buyerPhone, buyerPhoneHash, ...filters } = q.data;
    let phoneHash = buyerPhoneHash;
    if (buyerPhone !== undefined) {
      const h = store.hashTypedPhone(buyerPhone);
      if (h === null) throw new HttpError(400, 'invalid_query', 'buyerPhone: phone search is off (no database.phoneHashKey configured)');
      phoneHash = h;
    }
    const page = await store.search({ ...filters, ...(phoneHash ? { buyerPhoneHash: phoneHash } : {}) }, { limit: limit ?? 50, sort: sort ?? '-receivedAt', cursor: cursor ? decodeCursor(cursor) : null });
    return c.json({ orders: page.orders, totals: page.totals, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null });
  });

  /** The order's audit trail (PII masked), as JSON or as a CSV download. */
  app.get('/:id/versions', readers, async (c) => {
    const q = VersionsQuery.safeParse(singleValued(c.req.queries()));
    if (!q.success) throw new HttpError(400, 'invalid_query', queryProblem(q.error));
    if (!d.store) throw new HttpError(503, 'store_unavailable', 'this hub has no order store (database.url / DATABASE_URL)');
    const id = c.req.param('id');
    const workflowId = id.startsWith('order:') ? id : workflowIdFor(id);
    if (!(await d.store.read(workflowId))) throw new HttpError(404, 'order_not_found', `no order ${id} in the store`);
    const versions = await d.store.versions(workflowId);
    if (q.data.format === 'json') return c.json({ workflowId, versions });
    const name = workflowId.replace(/[^\w.-]+/g, '_');
    return c.body(versionsCsv(workflowId, versions), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}-versions.csv"` });
  });

  /**
   * Rollback to a version (回滚至任意历史版本): its editable fields go through the normal change
   * path, so a rolled-back address re-issues or overwrites the waybill like any change, and the
   * change is itself a new version. Operations lead only, with confirm: true.
   */
  app.post('/:id/versions/:seq/rollback', requireRole(d.apiKeys), async (c) => {
    const body = RollbackBody.safeParse(await jsonBody(c.req));
    if (!body.success) throw new HttpError(400, 'invalid_body', zodProblem(body.error));
    const seq = z.coerce.number().int().min(0).safeParse(c.req.param('seq'));
    if (!seq.success) throw new HttpError(400, 'invalid_path', 'seq: expected a version number (a non-negative integer)');
    if (!d.store) throw new HttpError(503, 'store_unavailable', 'this hub has no order store (database.url / DATABASE_URL)');
    const id = c.req.param('id');
    const workflowId = id.startsWith('order:') ? id : workflowIdFor(id);
    const raw = await d.store.restorable(workflowId, seq.data);
    if (raw === undefined) throw new HttpError(404, 'version_not_found', `order ${id} has no version ${seq.data}`);
    const restorable = Restorable.safeParse(raw);
    if (!restorable.success) throw new HttpError(409, 'not_restorable', `version ${seq.data} holds no address to restore`);
    const actor = `${c.get('principal').name} (rollback to version ${seq.data}${body.data.cause ? `: ${body.data.cause}` : ''})`;
    try {
      const res = await d.temporal.workflow.getHandle(workflowId).executeUpdate(changeAddress, { args: [{ address: restorable.data.address, source: 'customer_service', actor }] });
      d.metrics.addressChanges.inc({ outcome: res.outcome, source: 'rollback' });
      return c.json({ ok: true, rolledBackTo: seq.data, ...res });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${id}`);
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'cannot_roll_back', errorMessage(err.cause ?? err));
      throw err;
    }
  });

  /** `:id` is the hub's order key (`<channel>:<platform order id>`) or the workflow id. */
  app.get('/:id', readers, async (c) => {
    const id = c.req.param('id');
    const workflowId = id.startsWith('order:') ? id : workflowIdFor(id);
    const handle = d.temporal.workflow.getHandle(workflowId);
    const stored = d.store ? await d.store.read(workflowId) : null;
    const history = { workflowId, url: d.historyUrl(workflowId) };
    const view = piiViewFor(c.get('principal').roles, d.piiViews);
    // The workflow answers with its state of this instant; the store may be a step behind it. When
    // the workflow is gone (retention) or Temporal is down, the store's copy is the answer.
    try {
      // Bounded: with no worker to answer (a worker restarting, a queue nobody polls) Temporal holds a query ~30 s.
      const [desc, state, caseKeys] = await d.temporal.connection.withDeadline(Date.now() + LIVE_READ_DEADLINE_MS, () =>
        Promise.all([handle.describe(), handle.query(getOrderState), d.cases?.ofOrder(workflowId.slice('order:'.length)) ?? []]),
      );
      const live = { ...state, workflowId, runStatus: desc.status.name, afterSalesCaseKeys: caseKeys, history, stored: stored ? { seq: stored.seq, projectedAt: stored.projectedAt, waybills: stored.waybills, shipConfirmations: stored.shipConfirmations } : null };
      return c.json(orderForView(live, view));
    } catch (err) {
      if (stored) {
        // The stored copy is masked like the live one; a row that no longer parses as an order shows none.
        const order = CanonicalOrder.safeParse(stored.order);
        const { buyerPhone: _phone, ...rest } = stored;
        const answer = { ...rest, runStatus: 'UNKNOWN', history, source: 'store', liveError: errorMessage(err) };
        return c.json(order.success ? orderForView({ ...answer, order: order.data, hold: null }, view) : { ...answer, order: null });
      }
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${id}`);
      // The order exists but cannot answer now: a retry soon will do, so not a server fault (500).
      throw new HttpError(503, 'order_unavailable', `order ${id} cannot be read right now (${errorMessage(err)}); retry shortly`, undefined, { 'Retry-After': '5' });
    }
  });
  return app;
}
