import { Hono } from 'hono';
import { z } from 'zod';
import type { ChannelConfig, Role } from '../../config/schema.js';
import type { OrderIntake } from '../../intake/order-intake.js';
import { MappingError, type MappingEngine } from '../../mapping/engine.js';
import { mapInboundOrder } from '../../mapping/inbound.js';
import { QuarantineId, type QuarantineEntry, type QuarantineStore } from '../../store/quarantine.js';
import { parseJsonSafe } from '../../util/json.js';
import { errorMessage } from '../../util/errors.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { maskedPayload } from './quarantine-mask.js';

export const QuarantineListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), channel: z.string().optional() });

/** Replays entries that are not orders of the channel's mapping (e.g. ERP events); null = not mine. */
export type QuarantineReplayer = (e: QuarantineEntry, channel: ChannelConfig) => Promise<({ orderKey?: string } & Record<string, unknown>) | null>;

/** The `:id` of a route, which must be a quarantine id (a UUID): 400 otherwise. */
function idParam(raw: string): string {
  const r = QuarantineId.safeParse(raw);
  if (!r.success) throw new HttpError(400, 'invalid_id', 'id: expected a quarantine id (a UUID)');
  return r.data;
}

export function quarantineRoutes(d: { store: QuarantineStore; rawBodyRoles: readonly Role[]; intake: OrderIntake; mappings: MappingEngine; channels: readonly ChannelConfig[]; apiKeys: readonly ApiKeyEntry[]; replayers?: readonly QuarantineReplayer[] }) {
  const app = new Hono<AppEnv>();
  app.use('*', requireRole(d.apiKeys, 'platform_engineer', 'sre'));

  app.get('/', async (c) => {
    const q = QuarantineListQuery.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, 'invalid_query', q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const items = await d.store.list({ limit: q.data.limit, channel: q.data.channel });
    return c.json({ items, total: await d.store.count() });
  });

  app.get('/:id', async (c) => {
    const id = idParam(c.req.param('id'));
    const e = await d.store.get(id);
    if (!e) throw new HttpError(404, 'not_found', `no quarantine entry ${id}`);
    const { rawBody: _raw, ...summary } = e;
    return c.json(summary);
  });

  /** The kept bytes, for whoever must see what the platform sent: buyer PII, so few roles. */
  app.get('/:id/raw', async (c) => {
    const id = idParam(c.req.param('id'));
    const p = c.get('principal');
    if (!p.roles.some((r) => d.rawBodyRoles.includes(r))) throw new HttpError(403, 'forbidden', `key "${p.name}" lacks a role that may read raw bodies (${d.rawBodyRoles.join(', ')})`);
    const e = await d.store.get(id);
    if (!e) throw new HttpError(404, 'not_found', `no quarantine entry ${id}`);
    return c.json({ id, rawBody: e.rawBody });
  });

  /** The kept body with buyer PII masked: enough to see why a mapping failed, for every role here. */
  app.get('/:id/masked', async (c) => {
    const id = idParam(c.req.param('id'));
    const e = await d.store.get(id);
    if (!e) throw new HttpError(404, 'not_found', `no quarantine entry ${id}`);
    return c.json({ id, masked: maskedPayload(e.rawBody) });
  });

  /** Re-maps the kept raw body with the channel's current mapping (after a fix) and starts the order. */
  app.post('/:id/replay', async (c) => {
    const id = idParam(c.req.param('id'));
    const e = await d.store.get(id);
    if (!e) throw new HttpError(404, 'not_found', `no quarantine entry ${id}`);
    const channel = d.channels.find((ch) => ch.id === e.channel);
    if (!channel) throw new HttpError(409, 'channel_gone', `channel ${e.channel} is no longer configured`);
    let payload: unknown;
    try {
      payload = parseJsonSafe(e.rawBody);
    } catch (err) {
      throw new HttpError(422, 'invalid_json', `kept body is not JSON: ${errorMessage(err)}`);
    }
    const now = new Date().toISOString();
    try {
      for (const replay of d.replayers ?? []) {
        const res = await replay(e, channel);
        if (!res) continue;
        await d.store.remove(id, { action: 'replayed', by: c.get('principal').name, at: now, ...(res.orderKey ? { orderKey: res.orderKey } : {}) });
        return c.json({ ok: true, replayed: id, mappingId: e.mappingId, ...res });
      }
      const order = await mapInboundOrder(d.mappings, channel.mapping, payload, {
        platform: channel.adapter,
        channel: channel.id,
        shop: channel.shop,
        currency: channel.currency,
        receivedAt: e.receivedAt,
      });
      const res = await d.intake.start(order, { channel, deliveryId: e.deliveryId, kind: 'replay' });
      await d.store.remove(id, { action: 'replayed', by: c.get('principal').name, at: now, orderKey: res.orderKey });
      return c.json({ ok: true, replayed: id, mappingId: channel.mapping, ...res });
    } catch (err) {
      if (err instanceof MappingError) {
        await d.store.recordFailedAttempt(id, { code: err.code, message: err.message, issues: err.issues }, now);
        throw new HttpError(422, 'mapping_failed', err.message, { mappingId: err.mappingId, issues: err.issues, quarantineId: id });
      }
      throw err;
    }
  });

  app.post('/:id/discard', async (c) => {
    const id = idParam(c.req.param('id'));
    const ok = await d.store.remove(id, { action: 'discarded', by: c.get('principal').name, at: new Date().toISOString() });
    if (!ok) throw new HttpError(404, 'not_found', `no quarantine entry ${id}`);
    return c.json({ ok: true, discarded: id });
  });
  return app;
}
