import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { deleteUnwantedSchedules, upsertSchedule, type WantedSchedule } from '../src/temporal/schedules.js';

/**
 * The one create-or-update path every hub schedule goes through (stock push, lock sweep, shop
 * polls, ERP polls), against the real dev server: an SRE's pause survives a hub restart, config
 * changes reach the schedule, and only the unwanted schedules of one family on one task queue
 * are removed.
 */
const logger = createLogger({ level: 'warn', name: 'schedules-test' });
let connection: Connection;
let client: Client;
const taskQueue = `tq-sched-${randomUUID().slice(0, 8)}`;
const other = `${taskQueue}-other`;
const created: string[] = [];

const wanted = (id: string, every: string, queue = taskQueue): WantedSchedule => {
  created.push(id);
  return { scheduleId: id, every, workflowType: 'orderPoll', args: [{ channel: id }], taskQueue: queue, memo: { purpose: `test ${id}` } };
};

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  for (const id of created) await client.schedule.getHandle(id).delete().catch(() => undefined);
  await connection.close();
});

describe('hub schedules', () => {
  it('creates, then updates without un-pausing what an SRE paused', async () => {
    const id = `zs-test-poll:a@${taskQueue}`;
    expect(await upsertSchedule(client, wanted(id, '2 minutes'), logger)).toBe(true);
    const h = client.schedule.getHandle(id);
    const d1 = await h.describe();
    expect(d1.policies.overlap).toBe('SKIP');
    expect(d1.spec.intervals?.[0]?.every).toBe(120_000);
    expect(d1.memo).toEqual({ purpose: `test ${id}` });
    await h.pause('session expired');

    // The hub restarts with a new interval in config.
    expect(await upsertSchedule(client, wanted(id, '5 minutes'), logger)).toBe(true);
    const d2 = await h.describe();
    expect(d2.spec.intervals?.[0]?.every).toBe(300_000);
    expect(d2.state.paused).toBe(true);
    expect(d2.state.note).toBe('session expired');
  });

  it('deletes only the unwanted schedules of its family on its own task queue', async () => {
    const keep = `zs-test-poll:keep@${taskQueue}`;
    const gone = `zs-test-poll:gone@${taskQueue}`;
    const otherFamily = `zs-test-erp:x@${taskQueue}`;
    const otherQueue = `zs-test-poll:gone@${other}`;
    for (const w of [wanted(keep, '1 minute'), wanted(gone, '1 minute'), wanted(otherFamily, '1 minute'), wanted(otherQueue, '1 minute', other)]) await upsertSchedule(client, w, logger);

    await deleteUnwantedSchedules(client, { prefix: 'zs-test-poll:', taskQueue }, new Set([keep, `zs-test-poll:a@${taskQueue}`]), logger);
    const exists = async (id: string) =>
      client.schedule
        .getHandle(id)
        .describe()
        .then(() => true)
        .catch(() => false);
    expect({ keep: await exists(keep), gone: await exists(gone), otherFamily: await exists(otherFamily), otherQueue: await exists(otherQueue) }).toEqual({ keep: true, gone: false, otherFamily: true, otherQueue: true });
  });
});
