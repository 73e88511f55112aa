import { Hono } from 'hono';
import { z } from 'zod';
import type { ParcelStore } from '../../tracking/parcels.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict();

/** Parcels the tracking robot flagged for follow-up: no news for too long, a carrier problem, or given up. */
export function trackingRoutes(d: { parcels: ParcelStore; apiKeys: readonly ApiKeyEntry[] }) {
  const app = new Hono<AppEnv>();
  app.get('/stalled', requireRole(d.apiKeys, 'warehouse', 'customer_service', 'sre'), async (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, 'invalid_query', q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
    return c.json({ items: await d.parcels.listStalled(q.data.limit) });
  });
  return app;
}
