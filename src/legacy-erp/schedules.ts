import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { HubConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { errorMessage } from '../util/errors.js';
import { LegacyErpConnector } from '../../adapters/legacy-erp/connector.js';
import type { ErpPollInput } from '../../workflows/erp-poll.js';

export const erpPollScheduleId = (channel: string, taskQueue: string) => `zhongshu-erp-poll:${channel}@${taskQueue}`;

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
 * by a second one), visible in `temporal schedule list` and the web UI.
 */
export async function ensureLegacyErpSchedules(client: Client, config: HubConfig, registry: AdapterRegistry, logger: Logger): Promise<string[]> {
  const taskQueue = config.temporal.taskQueue;
  const ids: string[] = [];
  for (const p of await legacyErpPolls(config, registry)) {
    const scheduleId = erpPollScheduleId(p.channel, taskQueue);
    const args: [ErpPollInput] = [{ connector: p.connector, channel: p.channel }];
    const action = { type: 'startWorkflow' as const, workflowType: 'erpPoll', args, taskQueue, workflowId: `${scheduleId}-run` };
    const spec = { intervals: [{ every: `${p.intervalSeconds} seconds` }] };
    try {
      await client.schedule.create({ scheduleId, spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 minute' }, memo: { purpose: `poll legacy ERP ${p.connector} into channel ${p.channel}` } });
      logger.info({ scheduleId, every: p.intervalSeconds }, 'ERP poll schedule created');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) {
        logger.warn({ scheduleId, err: errorMessage(err) }, 'cannot create ERP poll schedule');
        continue;
      }
      await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec, action }));
    }
    ids.push(scheduleId);
  }
  return ids;
}
