import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { SA_CHANNEL, SA_ORDER_STATUS } from '../../workflows/search-attributes.js';
import type { ChannelConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Breakers } from '../resilience/breakers.js';
import type { DecisionQueue } from '../store/decisions.js';
import type { ParcelStore } from '../tracking/parcels.js';
import type { NotificationsConfig } from './config.js';
import { NOTIFY_EVENT } from './events.js';
import type { NotificationRouter, NotifyOutcome } from './router.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';

/** What a workflow (after-sales, lifecycle, robots) hands the router: kind, once-key, variables. */
export const NotifyEventInput = z
  .object({
    event: z.enum(NOTIFY_EVENT),
    key: z.string().min(1).max(400),
    vars: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
    level: z.number().int().min(1).max(3).nullish(),
    orderKey: z.string().min(1).nullish(),
  })
  .strict();
export type NotifyEventInput = z.input<typeof NotifyEventInput>;

export interface NotifyActivityDeps {
  router: NotificationRouter;
  config: NotificationsConfig;
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
  temporal: Client;
  taskQueue: string;
  channels: readonly ChannelConfig[];
  decisions: DecisionQueue;
  parcels: ParcelStore;
  breakers: Pick<Breakers, 'notClosed'> | null;
  /** Open after-sales cases by age bucket, from the after-sales module when it is wired in. */
  openCasesByAge?: () => Promise<Record<string, number>>;
  /** One line per shadow channel: its day (YYYY-MM-DD) compared with the old system's export (src/shadow). */
  shadowSummary?: (date: string) => Promise<string[]>;
  now?: () => Date;
}

/** The day a summary is for, in the configured zone: its once-key. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

const lines = (m: Record<string, number>) =>
  Object.entries(m)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `  ${k}: ${n}`)
    .join('\n') || '  （无）';

export function createNotifyActivities(d: NotifyActivityDeps) {
  const now = () => (d.now ?? (() => new Date()))();
  const breakerKey = `${d.keyPrefix}notify:breakers-open`;

  /** breaker_open once a circuit stayed open past the configured minutes; breaker_closed when it closes again. */
  async function watchBreakers(): Promise<void> {
    if (!d.breakers) return;
    const t = now().getTime();
    const open = d.breakers.notClosed();
    const longMs = d.config.breakerOpenMinutes * 60_000;
    for (const b of open) {
      if (!b.openedAt || t - b.openedAt < longMs) continue;
      const member = `${b.connector}/${b.capability}|${b.openedAt}`;
      if (!(await d.redis.sadd(breakerKey, member))) continue;
      const connector = `${b.connector} (${b.capability})`;
      await d.router.notify({ event: NOTIFY_EVENT.BREAKER_OPEN, key: member, vars: { connector, minutes: Math.floor((t - b.openedAt) / 60_000), since: new Date(b.openedAt).toISOString() } });
    }
    const stillOpen = new Set(open.map((b) => `${b.connector}/${b.capability}|${b.openedAt}`));
    for (const member of await d.redis.smembers(breakerKey)) {
      if (stillOpen.has(member)) continue;
      const [key = '', openedAt = '0'] = member.split('|');
      const [connector = '', capability = ''] = key.split('/');
      await d.router.notify({ event: NOTIFY_EVENT.BREAKER_CLOSED, key: member, vars: { connector: `${connector} (${capability})`, minutes: Math.floor((t - Number(openedAt)) / 60_000), since: new Date(Number(openedAt)).toISOString() } });
      await d.redis.srem(breakerKey, member);
    }
  }

  /** Orders started in the last 24 h by platform and by lifecycle state (the OrderStatus search attribute). */
  async function orderCounts(since: Date): Promise<{ byPlatform: Record<string, number>; byState: Record<string, number> }> {
    const platformOf = new Map(d.channels.map((c) => [c.id, c.adapter]));
    const byPlatform: Record<string, number> = {};
    const byState: Record<string, number> = {};
    const query = `WorkflowType = 'orderLifecycle' AND TaskQueue = '${d.taskQueue}' AND StartTime >= '${since.toISOString()}'`;
    for await (const wf of d.temporal.workflow.list({ query })) {
      const channel = wf.typedSearchAttributes.get(SA_CHANNEL) ?? wf.workflowId.split(':')[1] ?? 'unknown';
      const platform = platformOf.get(channel) ?? channel;
      const state = wf.typedSearchAttributes.get(SA_ORDER_STATUS) ?? 'unknown';
      byPlatform[platform] = (byPlatform[platform] ?? 0) + 1;
      byState[`${platform} ${state}`] = (byState[`${platform} ${state}`] ?? 0) + 1;
    }
    return { byPlatform, byState };
  }

  return {
    /** The router for any workflow: exactly once per (event, key, route); never waits for a robot. */
    async notifyEvent(raw: NotifyEventInput): Promise<NotifyOutcome> {
      const r = NotifyEventInput.safeParse(raw);
      if (!r.success) throw ApplicationFailure.nonRetryable(`notifyEvent: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, FAILURE_TYPE.INVALID_NOTIFICATION);
      const { event, key, vars, level, orderKey } = r.data;
      return d.router.notify({ event, key, vars, ...(level ? { level } : {}), ...(orderKey ? { orderKey } : {}) });
    },

    /** The schedule's tick: messages that waited for a rate window or a retry go out (merged per robot). */
    async flushNotifications(): Promise<{ sent: number; waiting: number }> {
      await watchBreakers();
      return d.router.flush();
    },

    /** The daily summary, once per local day whatever the schedule or a retry does. */
    async sendDailySummary(): Promise<{ date: string; outcome: NotifyOutcome }> {
      const at = now();
      const date = localDate(at, d.config.dailySummary.timezone);
      const counts = await orderCounts(new Date(at.getTime() - 86_400_000));
      const holds = (await d.decisions.list()).length;
      const cases = d.openCasesByAge ? lines(await d.openCasesByAge()) : '（售后模块未接入）';
      // The day that just ended: the old system writes its export for it overnight.
      const shadow = d.shadowSummary ? await d.shadowSummary(localDate(new Date(at.getTime() - 86_400_000), d.config.dailySummary.timezone)) : [];
      const shadowRun = shadow.length ? shadow.map((l) => `\n  ${l}`).join('') : '（无影子渠道）';
      const vars = { date, ordersByPlatform: lines(counts.byPlatform), ordersByState: lines(counts.byState), holdsWaiting: holds, openCases: cases, stalledParcels: await d.parcels.stalledCount(), shadowRun };
      const outcome = await d.router.notify({ event: NOTIFY_EVENT.DAILY_SUMMARY, key: `daily:${date}`, vars });
      d.logger.info({ date, ...outcome }, 'daily summary');
      return { date, outcome };
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
