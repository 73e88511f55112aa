import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import { planWindows } from '../../adapters/_shared/polling.js';
import { createInvokeAdapter } from '../activities/invoke-adapter.js';
import type { ChannelConfig } from '../config/schema.js';
import type { Metrics } from '../http/metrics.js';
import { QuarantinedError, type OrderIntake } from '../intake/order-intake.js';
import type { Logger } from '../logger.js';
import type { MappingEngine } from '../mapping/engine.js';
import type { ResilienceLayers } from '../resilience/index.js';
import { NOTIFY_EVENT } from '../notify/events.js';
import type { NotificationRouter } from '../notify/router.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { errorMessage } from '../util/errors.js';
import { CHANNEL_POLL_DEFAULTS } from './config.js';
import type { PollCursorStore } from './cursor.js';
import { channelPolicy, PollPolicyError } from './policy.js';
import { pullsAfterSales } from '../after-sales/pull.js';
import { FAILURE_TYPE } from '../sdk/failure-types.js';

export interface PollingActivityDeps {
  channels: readonly ChannelConfig[];
  registry: AdapterRegistry;
  mappings: MappingEngine;
  intake: Pick<OrderIntake, 'accept' | 'seenDelivery' | 'rememberDelivery'>;
  cursors: Pick<PollCursorStore, 'get' | 'advance' | 'recordLost'>;
  metrics: Metrics;
  logger: Logger;
  /** Breakers and the shared per-app/per-shop rate limits: a backlog of pages must not earn a ban. */
  resilience?: ResilienceLayers | null;
  /** Lost ranges go to the notification router (poll_range_lost routes, and the channel's alertConnector). */
  notifications?: NotificationRouter | null;
  now?: () => Date;
}

/** Windows cross Temporal as ISO strings (workflow arguments are plain JSON). */
export interface PollWindow {
  start: string;
  end: string;
}

export interface PollPlan {
  windows: PollWindow[];
  /** The durable cursor the plan started from (null: first poll of this channel). */
  cursor: string | null;
  lost: PollWindow | null;
  /** More windows remain after this run's share (catch-up continues on the next run). */
  more: boolean;
  /** The channel's after-sales are read per window too (pullAfterSalesWindow); absent in plans made before. */
  afterSales?: boolean;
}

export interface PollPageResult {
  /** Next page to ask for (page number or continuation token), null when the window is done. */
  nextPage: number | string | null;
  read: number;
  started: number;
  duplicates: number;
  quarantined: number;
}

/** What every built-in order.pull returns (adapters/<platform>/operations/order-pull.ts). */
const PullOutput = z.looseObject({ orders: z.array(z.unknown()), nextPage: z.union([z.number().int(), z.string().min(1)]).nullable() });

/**
 * The activities behind workflows/order-poll.ts. Planning runs here, not in the workflow: the
 * planner lives with the adapters and imports zod, which workflow code may not, and the cursor
 * it starts from is read from Redis anyway. Pulled orders go to OrderIntake inside the page
 * activity, so raw platform payloads (a page of 100 full orders) never enter workflow history.
 */
export function createPollingActivities(d: PollingActivityDeps) {
  const now = d.now ?? (() => new Date());
  // The same generic call path as every other external call: capability check, AdapterError to
  // retryable / non-retryable ApplicationFailure, Retry-After honoured.
  const invoke = createInvokeAdapter({ registry: d.registry, mappings: d.mappings, logger: d.logger, resilience: d.resilience ?? null });

  const channelOf = (id: string): ChannelConfig & { connector: string } => {
    const ch = d.channels.find((c) => c.id === id);
    // The schedule outlived its channel (config changed, hub not restarted yet): nothing to retry.
    if (!ch?.connector) throw ApplicationFailure.nonRetryable(`no channel "${id}" with a connector is configured on this worker`, FAILURE_TYPE.UNKNOWN_CHANNEL);
    return { ...ch, connector: ch.connector };
  };

  async function reportLost(ch: ChannelConfig, lost: { start: Date; end: Date }): Promise<void> {
    const hours = Math.round((lost.end.getTime() - lost.start.getTime()) / 360_000) / 10;
    const fields = { channel: ch.id, lostFrom: lost.start.toISOString(), lostTo: lost.end.toISOString(), hours };
    // Logged on every plan that still sees it (it is a standing problem until a window completes);
    // counted and alerted once per range.
    d.logger.error(fields, 'poll range lost: the platform no longer serves it; orders modified then must be checked by hand');
    if (!(await d.cursors.recordLost(ch.id, lost, now()))) return;
    d.metrics.pollLostRanges.inc({ channel: ch.id });
    const alertConnector = ch.poll.alertConnector;
    const key = `poll-lost:${ch.id}:${fields.lostFrom}`;
    if (d.notifications) {
      try {
        await d.notifications.notify({ event: NOTIFY_EVENT.POLL_RANGE_LOST, key, vars: fields });
        if (alertConnector) {
          await d.notifications.sendTo(alertConnector, key, {
            event: NOTIFY_EVENT.POLL_RANGE_LOST,
            title: `Orders of ${ch.id} not pulled for ${hours} h`,
            text: `The poll of channel ${ch.id} could not read ${fields.lostFrom} .. ${fields.lostTo}: the platform serves no older changes. Check that shop's orders of this period in the seller backend.`,
            severity: 'critical',
          });
        }
      } catch (err) {
        // Recorded, logged and counted already; the router's Redis being down must not stop the poll.
        d.logger.warn({ channel: ch.id, err: errorMessage(err) }, 'lost-range alert not queued');
      }
      return;
    }
    if (!alertConnector) return;
    try {
      await invoke({
        connector: alertConnector,
        capability: CAPABILITY.ALERT_SEND,
        idempotencyKey: key,
        input: {
          title: `Orders of ${ch.id} not pulled for ${hours} h`,
          text: `The poll of channel ${ch.id} could not read ${fields.lostFrom} .. ${fields.lostTo}: the platform serves no older changes. Check that shop's orders of this period in the seller backend.`,
          severity: 'critical',
        },
      });
    } catch (err) {
      // Recorded, logged and counted already; a notifier outage must not stop the poll.
      d.logger.warn({ channel: ch.id, err: errorMessage(err) }, 'lost-range alert not sent');
    }
  }

  return {
    async planPoll(input: { channel: string }): Promise<PollPlan> {
      const ch = channelOf(input.channel);
      const adapter = d.registry.adapterOf(ch.connector) ?? ch.adapter;
      let policy;
      try {
        policy = channelPolicy(adapter, d.registry.resolvedConfig(ch.connector), ch.poll, ch.id);
      } catch (err) {
        if (err instanceof PollPolicyError) throw ApplicationFailure.nonRetryable(err.message, FAILURE_TYPE.INVALID_POLL_CONFIG);
        throw err;
      }
      const cursor = await d.cursors.get(ch.id);
      const plan = planWindows({
        cursor,
        now: now(),
        policy,
        maxWindows: ch.poll.maxWindowsPerRun ?? CHANNEL_POLL_DEFAULTS.maxWindowsPerRun,
        ...(ch.poll.initialLookbackMinutes ? { initialLookbackMs: ch.poll.initialLookbackMinutes * 60_000 } : {}),
      });
      if (plan.lost) await reportLost(ch, plan.lost);
      const iso = (w: { start: Date; end: Date }) => ({ start: w.start.toISOString(), end: w.end.toISOString() });
      return { windows: plan.windows.map(iso), cursor: cursor?.toISOString() ?? null, lost: plan.lost ? iso(plan.lost) : null, more: plan.more, afterSales: pullsAfterSales(d.registry, ch) };
    },

    /**
     * One page of order.pull, each order handed to intake: started, a duplicate (its signals and
     * address change forwarded by intake), or quarantined. Returns only once every order of the
     * page is durable, so a retry after a crash re-reads the page and loses nothing.
     */
    async pullPollPage(input: { channel: string; window: PollWindow; page: number | string | null; idempotencyKey: string }): Promise<PollPageResult> {
      const ch = channelOf(input.channel);
      const ctx = Context.current();
      const raw = await invoke({
        connector: ch.connector,
        capability: CAPABILITY.ORDER_PULL,
        idempotencyKey: input.idempotencyKey,
        input: input.page === null ? { window: input.window } : { window: input.window, page: input.page },
      });
      const out = PullOutput.safeParse(raw);
      if (!out.success) throw ApplicationFailure.nonRetryable(`connector ${ch.connector}: order.pull returned ${out.error.issues[0]?.message ?? 'an unexpected shape'}`, FAILURE_TYPE.ADAPTER_CONTRACT_VIOLATION);
      const res: PollPageResult = { nextPage: out.data.nextPage, read: out.data.orders.length, started: 0, duplicates: 0, quarantined: 0 };
      const receivedAt = now().toISOString();
      for (const order of out.data.orders) {
        const rawBody = JSON.stringify(order);
        // Every run reads its overlap again (minutes of orders): a copy stored before, unchanged,
        // is news to no one, so it is neither mapped nor started again, and a payload kept in
        // quarantine is not kept twice. Any change (paid, refunded, a new address) is a new body.
        const bodyHash = createHash('sha256').update(rawBody).digest('hex');
        if (await d.intake.seenDelivery(ch.id, null, bodyHash)) {
          res.duplicates++;
          continue;
        }
        try {
          const a = await d.intake.accept({ channel: ch, platform: ch.adapter, payload: order, rawBody, deliveryId: null, bodyHash, receivedAt, kind: 'poll' });
          if (a.duplicate) res.duplicates++;
          else res.started++;
        } catch (err) {
          if (!(err instanceof QuarantinedError)) throw new Error(`order not stored, the page is read again: ${errorMessage(err)}`);
          await d.intake.rememberDelivery(ch.id, null, bodyHash);
          res.quarantined++;
        }
        ctx.heartbeat({ window: input.window.start, page: input.page });
      }
      for (const outcome of ['started', 'duplicates', 'quarantined'] as const) {
        if (res[outcome]) d.metrics.polledOrders.inc({ channel: ch.id, outcome: outcome === 'duplicates' ? 'duplicate' : outcome }, res[outcome]);
      }
      d.logger.debug({ channel: ch.id, window: input.window, page: input.page, ...res }, 'poll page read');
      return res;
    },

    async advancePollCursor(input: { channel: string; to: string }): Promise<{ cursor: string }> {
      const ch = channelOf(input.channel);
      const stored = await d.cursors.advance(ch.id, new Date(input.to));
      return { cursor: stored.toISOString() };
    },
  };
}

export type PollingActivities = ReturnType<typeof createPollingActivities>;
