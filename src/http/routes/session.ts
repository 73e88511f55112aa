import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../../config/schema.js';
import type { PollCursorStore } from '../../polling/cursor.js';
import type { Breakers } from '../../resilience/breakers.js';
import { errorMessage } from '../../util/errors.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { RateLimitStatus, ScheduleStatus } from '../status-sources.js';
import type { AppEnv } from '../types.js';

/** Who the presented key is: the console shows only what these roles may do (the routes still check). */
export const SessionResponse = z.object({ name: z.string(), roles: z.array(z.enum(ROLES)) }).meta({ id: 'Session' });

export const StatusResponse = z
  .object({
    at: z.string(),
    breakers: z.array(z.object({ connector: z.string(), capability: z.string(), openedAt: z.string() })),
    polls: z.array(z.object({ channel: z.string(), cursor: z.string().nullable(), lagSeconds: z.number().nullable(), lost: z.number().int(), error: z.string().optional() })),
    /** Messages waiting per robot and given up for good; null when the hub has no notification router. */
    notifications: z.object({ waiting: z.array(z.object({ target: z.string(), messages: z.number().int() })), dead: z.number().int() }).nullable(),
    /** This task queue's Temporal schedules; null when the hub cannot list them (the error says why). */
    schedules: z.array(ScheduleStatus).nullable(),
    schedulesError: z.string().optional(),
    /** Rate-limit waits and refusals per connector and capability since this process started. */
    rateLimits: z.array(RateLimitStatus),
  })
  .meta({ id: 'HubStatus' });

export interface StatusDeps {
  /** This process's breakers (in the split topology the workers' own are on their /metrics). */
  breakers?: Pick<Breakers, 'notClosed'>;
  cursors: Pick<PollCursorStore, 'get' | 'lost'>;
  polledChannels: readonly string[];
  notifications?: { backlog(): Promise<{ waiting: { target: string; messages: number }[]; dead: number }> };
  schedules?: () => Promise<ScheduleStatus[]>;
  rateLimits?: () => Promise<RateLimitStatus[]>;
  now?: () => Date;
}

/** GET /session for any valid key; GET /status (breakers not closed, poll cursors and their lag, notification backlog, schedules, rate-limit waits) for those who run the hub. */
export function sessionRoutes(d: { apiKeys: readonly ApiKeyEntry[]; status: StatusDeps }) {
  const app = new Hono<AppEnv>();
  app.get('/session', requireRole(d.apiKeys, ...ROLES), (c) => {
    const p = c.get('principal');
    return c.json(SessionResponse.parse({ name: p.name, roles: p.roles }));
  });
  app.get('/status', requireRole(d.apiKeys, 'sre', 'platform_engineer'), async (c) => {
    const now = (d.status.now ?? (() => new Date()))();
    const polls = await Promise.all(
      d.status.polledChannels.map(async (channel) => {
        try {
          const [cursor, lost] = await Promise.all([d.status.cursors.get(channel), d.status.cursors.lost(channel)]);
          return { channel, cursor: cursor?.toISOString() ?? null, lagSeconds: cursor ? Math.max(0, Math.round((now.getTime() - cursor.getTime()) / 1000)) : null, lost: lost.length };
        } catch (err) {
          // One bad cursor is shown as such; the others still answer.
          return { channel, cursor: null, lagSeconds: null, lost: 0, error: errorMessage(err) };
        }
      }),
    );
    const breakers = (d.status.breakers?.notClosed() ?? []).map((b) => ({ connector: b.connector, capability: b.capability, openedAt: new Date(b.openedAt).toISOString() }));
    const notifications = d.status.notifications ? await d.status.notifications.backlog() : null;
    // Temporal down must not hide the rest of the page: the schedules say why they are missing.
    let schedules: ScheduleStatus[] | null = null;
    let schedulesError: string | undefined;
    try {
      schedules = d.status.schedules ? await d.status.schedules() : [];
    } catch (err) {
      schedulesError = errorMessage(err);
    }
    const rateLimits = d.status.rateLimits ? await d.status.rateLimits() : [];
    return c.json(StatusResponse.parse({ at: now.toISOString(), breakers, polls, notifications, schedules, ...(schedulesError ? { schedulesError } : {}), rateLimits }));
  });
  return app;
}
