import type { Client } from '@temporalio/client';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { deleteUnwantedSchedules, upsertSchedule } from '../temporal/schedules.js';
import type { ErpPollInput } from '../../workflows/erp-poll.js';
import { CAPABILITY } from '../sdk/capabilities.js';

export const ERP_POLL_SCHEDULE_PREFIX = 'zhongshu-erp-poll:';
export const erpPollScheduleId = (channel: string, taskQueue: string) => `${ERP_POLL_SCHEDULE_PREFIX}${channel}@${taskQueue}`;
export const LEGACY_ERP_ADAPTER = 'legacy-erp';

export interface LegacyErpPoll {
  channel: string;
  connector: string;
  intervalSeconds: number;
}

/**
 * The ERP polls this hub runs: one per enabled legacy-erp channel whose connector has a poll
 * section, unless the channel switches it off with `poll.enabled: false` (its schedule is then
 * deleted at start; the cursor is kept). Throws, naming each field, for a config whose meaning
 * would otherwise be silently dropped:
 * - the shop-poll fields (`everyMinutes`, windows, `alertConnector`...) on an ERP channel: an
 *   ERP's interval and batching are set on its connector (`intervalSeconds`, `poll`);
 * - `poll.enabled: true` on a connector without a poll section: nothing to poll;
 * - two channels polling one connector: the cursor and the rows already taken are kept per
 *   connector, so both polls would read the same rows and a row read by both before either
 *   flagged it would start one order in each channel (two workflows, two waybills).
 */
export async function legacyErpPolls(config: HubConfig, registry: AdapterRegistry): Promise<LegacyErpPoll[]> {
  const out: (LegacyErpPoll & { index: number })[] = [];
  const problems: string[] = [];
  for (const [i, ch] of config.channels.entries()) {
    if (!ch.connector || registry.adapterOf(ch.connector) !== LEGACY_ERP_ADAPTER) continue;
    const where = `connector ${ch.connector}'s config (intervalSeconds, poll)`;
    for (const [field, value] of Object.entries(ch.poll)) {
      if (field !== 'enabled' && value !== undefined) problems.push(`channels[${i}].poll.${field}: not used on a legacy-erp channel; an ERP's polling is set in ${where}`);
    }
    // Creating the instance opens no connection (the ODBC pool is made on first use).
    const { instance } = await registry.connector(ch.connector);
    const table = instance.surfaces?.()[CAPABILITY.ORDER_PULL];
    if (!table) {
      if (ch.poll.enabled === true) problems.push(`channels[${i}].poll.enabled: connector ${ch.connector} has no poll section to poll with`);
      continue;
    }
    if (!ch.enabled || ch.poll.enabled === false) continue;
    const other = out.find((p) => p.connector === ch.connector);
    if (other) {
      problems.push(
        `channels[${i}].connector: connector ${ch.connector} is already polled into channel ${other.channel} (channels[${other.index}]); one ERP poll feeds one channel (its cursor is per connector), so set poll.enabled: false on all but one`,
      );
      continue;
    }
    out.push({ index: i, channel: ch.id, connector: ch.connector, intervalSeconds: table.intervalSeconds });
  }
  if (problems.length) throw new Error(`invalid polling config:\n  ${problems.join('\n  ')}`);
  return out.map(({ index: _index, ...p }) => p);
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
