import { Hono } from 'hono';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { decide } from '../../../workflows/order-lifecycle.js';
import { Address } from '../../canonical/order.js';
import { workflowIdFor } from '../../intake/order-intake.js';
import type { DecisionQueue } from '../../store/decisions.js';
import { errorMessage } from '../../util/errors.js';
import { ROLES, type Role } from '../../config/schema.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import { readJsonBody } from '../json-body.js';
import type { AppEnv } from '../types.js';

export const DecisionBody = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('approve'), note: z.string().max(500).optional() }).strict(),
    z.object({ action: z.literal('reject'), note: z.string().max(500).optional() }).strict(),
    z.object({ action: z.literal('edit'), address: Address, note: z.string().max(500).optional() }).strict(),
  ])
  .meta({ id: 'Decision' });

export function zodProblem(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
}

/** The pending-decision queue: held orders, and an operator's verdict delivered as a workflow update. */
export function decisionRoutes(d: { temporal: Client; decisions: DecisionQueue; apiKeys: readonly ApiKeyEntry[]; decisionRoles?: Readonly<Record<string, readonly Role[]>> }) {
  const app = new Hono<AppEnv>();
  app.get('/', requireRole(d.apiKeys, 'customer_service', 'sre'), async (c) => c.json({ items: await d.decisions.list() }));

  // Any authenticated role may ask; whether it may decide depends on the hold's kind (config).
  app.post('/:orderId', requireRole(d.apiKeys, ...ROLES), async (c) => {
    const orderId = c.req.param('orderId');
    const principal = c.get('principal');
    if (!principal.roles.includes('operations_lead')) {
      const pending = await d.decisions.get(orderId.replace(/^order:/, ''));
      const allowed = pending ? (d.decisionRoles?.[pending.reason] ?? []) : [];
      if (!principal.roles.some((r) => allowed.includes(r))) {
        throw new HttpError(403, 'forbidden', `key "${principal.name}" may not decide ${pending ? `a ${pending.reason} hold` : 'this order'} (allowed: operations_lead${allowed.length ? `, ${allowed.join(', ')}` : ''})`);
      }
    }
    const body = DecisionBody.safeParse(await readJsonBody(c.req));
    if (!body.success) throw new HttpError(400, 'invalid_body', zodProblem(body.error));
    const workflowId = orderId.startsWith('order:') ? orderId : workflowIdFor(orderId);
    try {
      const res = await d.temporal.workflow.getHandle(workflowId).executeUpdate(decide, { args: [{ ...body.data, actor: principal.name }] });
      return c.json({ ok: true, orderKey: orderId, ...res });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no order ${orderId}`);
      if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'not_on_hold', errorMessage(err.cause ?? err));
      throw err;
    }
  });
  return app;
}
