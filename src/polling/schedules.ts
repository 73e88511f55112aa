import type { Client } from '@temporalio/client';
import type { ChannelConfig, HubConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { errorMessage } from '../util/errors.js';
import { deleteUnwantedSchedules, upsertSchedule } from '../temporal/schedules.js';
import type { OrderPollInput } from '../../workflows/order-poll.js';
import { channelPolicy } from './policy.js';
import { CHANNEL_POLL_DEFAULTS } from './config.js';
import { LEGACY_ERP_ADAPTER } from '../legacy-erp/schedules.js';

/** One schedule per shop and task queue, named like the hub's other schedules (src/temporal/schedules.ts). */
export const POLL_SCHEDULE_PREFIX = 'zhongshu-poll:';
export const pollScheduleId = (channel: string, taskQueue: string) => `${POLL_SCHEDULE_PREFIX}${channel}@${taskQueue}`;

export interface PollTarget {
  channel: ChannelConfig;
  connector: string;
  adapter: string;
  everyMinutes: number;
}

/**
 * The channels this hub polls: enabled, with a platform connector that offers order.pull, and
 * not switched off with `poll.enabled: false`. Throws, naming the field, for a channel that asks
 * for polling its connector cannot do or a window above the platform's limit, so a bad config
 * fails at start rather than in the first scheduled run.
 *
 * Only platform connectors: their order.pull reads a modified-time window. An ERP's order.pull
 * (legacy-erp) reads rows after a cursor and is driven by its own schedule (src/legacy-erp/), so a
 * shop poll on it would fail on every run. Legacy-ERP channels are left to legacyErpPolls, which
 * checks their `poll` the same way (`enabled: false` switches the ERP poll off; `enabled: true`
 * needs the connector's poll section; the shop-poll fields are refused there).
 */
export function pollTargets(config: HubConfig, registry: AdapterRegistry): PollTarget[] {
  const out: PollTarget[] = [];
  const problems: string[] = [];
  config.channels.forEach((ch, i) => {
    if (!ch.enabled || ch.poll.enabled === false || !ch.connector) return;
    if (registry.adapterOf(ch.connector) === LEGACY_ERP_ADAPTER) return;
    if (!registry.supports(ch.connector, CAPABILITY.ORDER_PULL)) {
      if (ch.poll.enabled === true) problems.push(`channels[${i}].poll.enabled: connector ${ch.connector} does not offer order.pull`);
      return;
    }
    const adapter = registry.adapterOf(ch.connector) ?? ch.adapter;
    const kind = registry.definition(adapter)?.manifest.kind;
    if (kind !== 'platform') {
      if (ch.poll.enabled === true) problems.push(`channels[${i}].poll.enabled: connector ${ch.connector} has kind "${kind ?? 'unknown'}"; shop polling is for platform connectors (an ERP's polling is configured on its connector)`);
      return;
    }
    try {
      channelPolicy(adapter, registry.resolvedConfig(ch.connector), ch.poll, ch.id);
    } catch (err) {
      problems.push(`channels[${i}]: ${errorMessage(err)}`);
      return;
    }
    out.push({ channel: ch, connector: ch.connector, adapter, everyMinutes: ch.poll.everyMinutes ?? CHANNEL_POLL_DEFAULTS.everyMinutes });
  });
  if (problems.length) throw new Error(`invalid polling config:\n  ${problems.join('\n  ')}`);
  return out;
}

/**
 * Creates or updates one Temporal Schedule per polled shop (overlap SKIP: a slow poll is never
 * joined by a second one), and deletes this task queue's poll schedules whose channel no longer
 * polls. An update keeps the schedule's state: a schedule an SRE paused stays paused.
 */
export async function ensurePollSchedules(client: Client, config: HubConfig, registry: AdapterRegistry, logger: Logger): Promise<string[]> {
  const taskQueue = config.temporal.taskQueue;
  const wanted = new Set<string>();
  for (const t of pollTargets(config, registry)) {
    const scheduleId = pollScheduleId(t.channel.id, taskQueue);
    wanted.add(scheduleId);
    const args: [OrderPollInput] = [{ channel: t.channel.id }];
    const memo = { purpose: `incremental order pull of shop ${t.channel.shop} (${t.adapter}, channel ${t.channel.id}, connector ${t.connector})`, channel: t.channel.id };
    // A missed run is not replayed: the next one starts from the durable cursor and catches up the gap.
    await upsertSchedule(client, { scheduleId, every: `${t.everyMinutes} minutes`, workflowType: 'orderPoll', args, taskQueue, memo }, logger);
  }
  await deleteUnwantedSchedules(client, { prefix: POLL_SCHEDULE_PREFIX, taskQueue }, wanted, logger);
  return [...wanted];
}
