import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { AfterSalesConfig } from '../../after-sales/config.js';
import type { CaseIntake } from '../../after-sales/intake.js';
import type { CaseSummary } from '../../after-sales/schema.js';
import type { CaseStore } from '../../after-sales/store.js';
import { Money } from '../../canonical/order.js';
import type { Role } from '../../config/schema.js';
import { CASE_STATES, CASE_TYPES, caseWorkflowId, PLATFORM_CASE_STATUS, REFUND_TYPES } from '../../../workflows/after-sales/constants.js';
import { getCaseState } from '../../../workflows/after-sales/definitions.js';
import type { CaseSnapshot } from '../../../workflows/after-sales/types.js';
import { requireRole, type ApiKeyEntry, type Principal } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { caseActionRoutes, caseHandle, jsonOf } from './after-sales-actions.js';
import { zodProblem } from './decisions.js';

export const CaseListQuery = z
  .object({
    state: z.enum(CASE_STATES).optional(),
    type: z.enum(CASE_TYPES).optional(),
    platform: z.string().min(1).optional(),
    assignee: z.string().min(1).optional(),
    orderKey: z.string().min(1).optional(),
    /** Open cases only (every state but closed). */
    open: z.enum(['true', 'false']).optional(),
    /** Free text: matches the case number, order key or platform after-sales id. */
    q: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const OpenCaseBody = z
  .object({
    orderKey: z.string().min(1),
    type: z.enum(CASE_TYPES),
    reason: z.string().min(1).max(1000),
    lines: z.array(z.object({ lineId: z.string().min(1), sku: z.string().min(1).nullable().optional(), qty: z.number().int().positive() }).strict()).default([]),
    amount: Money.nullable().optional(),
    /** The caller's own id for this request: repeating it opens nothing new. */
    requestId: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'letters, digits, . _ -').optional(),
  })
  .strict()
  .meta({ id: 'OpenAfterSalesCase' });

/** Who may read which cases: workers see all; refund viewers (finance) see refund cases only. */
export function caseAccess(cfg: AfterSalesConfig['roles']) {
  return {
    readers: [...new Set<Role>([...cfg.work, ...cfg.viewRefunds])],
    seesAll: (p: Principal) => p.roles.includes('operations_lead') || p.roles.some((r) => cfg.work.includes(r)),
  };
}

/** /api/after-sales: list, filter, search and read cases; open one by hand; the actions live in after-sales-actions.ts. */
export function afterSalesRoutes(d: { temporal: Client; store: CaseStore; intake: CaseIntake; config: AfterSalesConfig; apiKeys: readonly ApiKeyEntry[] }) {
  const app = new Hono<AppEnv>();
  const access = caseAccess(d.config.roles);
  const readers = requireRole(d.apiKeys, ...access.readers);
  const visible = (p: Principal, c: Pick<CaseSummary, 'type'>) => access.seesAll(p) || REFUND_TYPES.includes(c.type);

  app.get('/', readers, async (c) => {
    const q = CaseListQuery.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, 'invalid_query', zodProblem(q.error));
    const f = q.data;
    const p = c.get('principal');
    const all = f.orderKey ? (await Promise.all((await d.store.ofOrder(f.orderKey)).map((k) => d.store.get(k)))).filter((x): x is CaseSummary => x !== null) : await d.store.recent(5000);
    const items = all.filter(
      (x) =>
        visible(p, x) &&
        (!f.state || x.state === f.state) &&
        (!f.type || x.type === f.type) &&
        (!f.platform || x.platform === f.platform) &&
        (!f.assignee || x.assignee?.id === f.assignee) &&
        (f.open === undefined || (f.open === 'true') === (x.state !== 'closed')) &&
        (!f.q || [x.caseNumber, x.orderKey, x.platformCaseId, x.caseKey].some((v) => v?.includes(f.q ?? ''))),
    );
    return c.json({ items: items.slice(0, f.limit), total: items.length });
  });

  app.get('/:id', readers, async (c) => {
    const { handle } = await caseHandle(d, c.req.param('id'));
    let state: CaseSnapshot;
    try {
      state = await handle.query(getCaseState);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'case_not_found', `no after-sales case ${c.req.param('id')}`);
      throw err;
    }
    // Judged on the case itself: the read model may not have its summary yet (written by an activity).
    if (!visible(c.get('principal'), state)) throw new HttpError(403, 'forbidden', `key "${c.get('principal').name}" may read refund cases only`);
    return c.json(state);
  });

  /** Customer service opens a case for an order (a phone call, a chat): the same workflow as a platform's. */
  app.post('/', requireRole(d.apiKeys, ...d.config.roles.work), async (c) => {
    const body = OpenCaseBody.safeParse(await jsonOf(c.req));
    if (!body.success) throw new HttpError(400, 'invalid_body', zodProblem(body.error));
    const b = body.data;
    const actor = c.get('principal').name;
    const id = b.requestId ?? randomUUID();
    const at = new Date().toISOString();
    const channel = b.orderKey.includes(':') ? b.orderKey.slice(0, b.orderKey.indexOf(':')) : null;
    const caseKey = caseWorkflowId('manual', id);
    const r = await d.intake.open({
      caseKey,
      platform: 'manual',
      channel,
      shop: null,
      platformCaseId: null,
      orderKey: b.orderKey,
      type: b.type,
      lines: b.lines.map((l) => ({ lineId: l.lineId, sku: l.sku ?? null, qty: l.qty })),
      amount: b.amount ?? null,
      reason: b.reason,
      openedAt: at,
      openedBy: { kind: 'person', actor },
      first: { messageId: `api:${id}`, status: PLATFORM_CASE_STATUS.REQUESTED, platformStatus: 'opened by customer service', at },
    });
    return c.json({ ok: true, caseKey: r.caseKey, alreadyClosed: !r.delivered }, 201);
  });

  app.route('/', caseActionRoutes({ ...d, workRoles: d.config.roles.work }));
  return app;
}
