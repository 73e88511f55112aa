import type { Client } from '@temporalio/client';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { deleteUnwantedSchedules, upsertSchedule } from '../temporal/schedules.js';
import { LegacyErpConnector } from '../../adapters/legacy-erp/connector.js';
import type { ErpPollInput } from '../../workflows/erp-poll.js';

export const ERP_POLL_SCHEDULE_PREFIX = 'zhongshu-erp-poll:';
export const erpPollScheduleId = (channel: string, taskQueue: string) => `${ERP_POLL_SCHEDULE_PREFIX}${channel}@${taskQueue}`;

/** Every enabled legacy-erp channel whose connector has a poll section, with its interval. */
export async function legacyErpPolls(config: HubConfig, registry: AdapterRegistry): Promise<{ channel: string; connector: string; intervalSeconds: number }[]> {
  const out: { channel: string; connector: string; intervalSeconds: number }[] = [];
  for (const ch of config.channels) {
    if (ch.adapter !== 'legacy-erp' || !ch.enabled || !ch.connector) continue;
    // Creating the instance opens no connection (the ODBC pool is made on first use).
    const { instance } = await registry.connector(ch.connector);
    if (instance instanceof LegacyErpConnector && instance.config.poll) out.push({ channel: ch.id, connector: ch.connector, intervalSeconds: instance.config.intervalSeconds });
  }
  return out;
}

/**
 * One Temporal Schedule per polled ERP channel (overlap SKIP: a long backlog run is never joined
 * by a second one), visible in `temporal schedule list` and the web UI; schedules of ERP
 * channels that no longer poll are deleted.
 */
export async function ensureLegacyErpSchedules(client: Client, config: HubConfig, registry: AdapterRegistry, logger: Logger): Promise<string[]> {
  const taskQueue = config.temporal.taskQueue;
  const wanted = new Set<string>();
  for (const p of await legacyErpPolls(config, registry)) {
    const scheduleId = erpPollScheduleId(p.channel, taskQueue);
    wanted.add(scheduleId);
    const args: [ErpPollInput] = [{ connector: p.connector, channel: p.channel }];
    await upsertSchedule(client, { scheduleId, every: `${p.intervalSeconds} seconds`, workflowType: 'erpPoll', args, taskQueue, memo: { purpose: `poll legacy ERP ${p.connector} into channel ${p.channel}` } }, logger);
  }
  await deleteUnwantedSchedules(client, { prefix: ERP_POLL_SCHEDULE_PREFIX, taskQueue }, wanted, logger);
  return [...wanted];
}
