import { Hono } from 'hono';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import type { CaseStore } from '../../after-sales/store.js';
import type { Role } from '../../config/schema.js';
import { errorMessage } from '../../util/errors.js';
import { CASE_STATES } from '../../../workflows/after-sales/constants.js';
import { addCaseNote, assignCase, changeCaseState, resolveCase, returnReceived } from '../../../workflows/after-sales/definitions.js';
import type { CaseSnapshot } from '../../../workflows/after-sales/types.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { zodProblem } from './decisions.js';

export const AssignBody = z.object({ kind: z.enum(['team', 'person']), id: z.string().min(1).max(100) }).strict().meta({ id: 'AssignCase' });
export const NoteBody = z.object({ text: z.string().min(1).max(2000) }).strict().meta({ id: 'CaseNote' });
export const StateBody = z.object({ state: z.enum(CASE_STATES), note: z.string().max(1000).optional() }).strict().meta({ id: 'CaseState' });
export const CloseBody = z.object({ reason: z.string().trim().min(1, 'closing a case needs a reason').max(1000) }).strict().meta({ id: 'CloseCase' });
export const ReturnBody = z
  .object({
    lines: z.array(z.object({ lineId: z.string().min(1), sku: z.string().min(1).optional(), qty: z.number().int().positive() }).strict()).min(1).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict()
  .meta({ id: 'ReturnReceived' });

export async function jsonOf(req: { json(): Promise<unknown> }): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new HttpError(400, 'invalid_json', 'body: not valid JSON');
  }
}

/** `:id` is a case number (AS-...), or the case key (URL-encoded, e.g. after-sales%3Adouyin%3A123). */
export async function caseHandle(d: { temporal: Client; store: CaseStore }, id: string): Promise<{ caseKey: string; handle: WorkflowHandle }> {
  const caseKey = (await d.store.resolve(id)) ?? (id.startsWith('after-sales:') ? id : null);
  if (!caseKey) throw new HttpError(404, 'case_not_found', `no after-sales case ${id}`);
  return { caseKey, handle: d.temporal.workflow.getHandle(caseKey) };
}

/** Assign, annotate, move, close with a reason, and report the goods back: each a workflow update. */
export function caseActionRoutes(d: { temporal: Client; store: CaseStore; apiKeys: readonly ApiKeyEntry[]; workRoles: readonly Role[] }) {
  const app = new Hono<AppEnv>();
  const workers = requireRole(d.apiKeys, ...d.workRoles);
  const act = <S extends z.ZodType>(path: string, schema: S, roles: ReturnType<typeof requireRole>, run: (h: WorkflowHandle, body: z.output<S>, actor: string) => Promise<CaseSnapshot>) =>
    app.post(`/:id/${path}`, roles, async (c) => {
      const body = schema.safeParse(await jsonOf(c.req));
      if (!body.success) throw new HttpError(400, 'invalid_body', zodProblem(body.error));
      const { handle } = await caseHandle(d, c.req.param('id'));
      try {
        return c.json({ ok: true, case: await run(handle, body.data, c.get('principal').name) });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'case_not_found', `no after-sales case ${c.req.param('id')}`);
        if (err instanceof WorkflowUpdateFailedError) throw new HttpError(409, 'case_refused', errorMessage(err.cause ?? err));
        throw err;
      }
    });
  act('assign', AssignBody, workers, (h, b, actor) => h.executeUpdate(assignCase, { args: [{ assignee: b, actor }] }));
  act('notes', NoteBody, workers, (h, b, actor) => h.executeUpdate(addCaseNote, { args: [{ text: b.text, actor }] }));
  act('state', StateBody, workers, (h, b, actor) => h.executeUpdate(changeCaseState, { args: [{ state: b.state, actor, ...(b.note ? { note: b.note } : {}) }] }));
  act('close', CloseBody, workers, (h, b, actor) => h.executeUpdate(resolveCase, { args: [{ reason: b.reason, actor }] }));
  // The warehouse reports the goods back (until the WMS return feedback is wired in).
  act('return-received', ReturnBody, requireRole(d.apiKeys, 'warehouse', ...d.workRoles), (h, b, actor) => h.executeUpdate(returnReceived, { args: [{ actor, ...(b.lines ? { lines: b.lines } : {}), ...(b.note ? { note: b.note } : {}) }] }));
  return app;
}
