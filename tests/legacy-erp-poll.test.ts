import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import odbc from 'odbc';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { createServer, type Server, type Socket } from 'node:net';
import { startTestHub, ADMIN_KEY } from './support/hub.js';
import { createErpTables, erpTime, insertOrder } from './support/erp-db.js';
import { json } from './support/json.js';
import { recordHistory } from './support/histories.js';
import { packageRoot } from '../src/util/package-info.js';
import { erpPollScheduleId } from '../src/legacy-erp/schedules.js';
import { pollScheduleId } from '../src/polling/schedules.js';
import { ErpCursorStore } from '../src/legacy-erp/poller.js';
import { compareTimestamps } from '../adapters/legacy-erp/sql.js';
import { LegacyErpConnector } from '../adapters/legacy-erp/instance.js';
import { AdapterError } from '../src/sdk/errors.js';
import type { ErpPollResult } from '../workflows/erp-poll.js';

type Hub = Awaited<ReturnType<typeof startTestHub>>;
let hub: Hub;
let erp: Awaited<ReturnType<typeof createErpTables>>;
let mappingsDir: string;
const CHANNEL = 'erp-acme';
const admin = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };

beforeAll(async () => {
  erp = await createErpTables();
  // A private copy of mappings/: the quarantine test fixes the order mapping, then replays.
  mappingsDir = await mkdtemp(path.join(tmpdir(), 'zs-erp-mappings-'));
  await cp(path.join(packageRoot(), 'mappings'), mappingsDir, { recursive: true });
  hub = await startTestHub({
    env: { ERP_ODBC: inject('odbcConnectionString') },
    config: {
      mappings: { dir: mappingsDir },
      connectors: [
        {
          id: 'erp-acme',
          adapter: 'legacy-erp',
          config: {
            connection: '${ERP_ODBC}',
            // A long interval: the tests run polls themselves; the schedule is only checked to exist.
            intervalSeconds: 3600,
            poll: { table: erp.orders, keyColumn: 'order_no', updatedAtColumn: 'updated_at', syncedColumn: 'is_synced', batchSize: 3, overlapSeconds: 120 },
            writeBack: { table: erp.shipments },
          },
        },
      ],
      channels: [{ id: CHANNEL, adapter: 'legacy-erp', shop: 'ACME', connector: 'erp-acme', mapping: 'legacy-erp/order.v1' }],
    },
  });
});

afterAll(async () => {
  await hub?.stop();
  await erp?.close();
  await rm(mappingsDir, { recursive: true, force: true });
});

let lastPollId = '';
async function poll(): Promise<ErpPollResult> {
  lastPollId = `test-poll-${randomUUID()}`;
  return hub.client.workflow.execute('erpPoll', { taskQueue: hub.taskQueue, workflowId: lastPollId, args: [{ connector: 'erp-acme', channel: CHANNEL }] });
}

/** The type of the ApplicationFailure under a failed workflow's activity failure. */
function failureType(err: unknown): string | undefined {
  let e: unknown = err;
  while (e instanceof Error) {
    if (e instanceof ApplicationFailure) return e.type ?? undefined;
    e = e.cause;
  }
  return undefined;
}

async function workflowExists(orderNo: string): Promise<boolean> {
  try {
    await hub.client.workflow.getHandle(`order:${CHANNEL}:${orderNo}`).describe();
    return true;
  } catch {
    return false;
  }
}

async function flags(): Promise<Map<string, number>> {
  const rows = await erp.db.query<{ order_no: string; is_synced: number }>(`SELECT order_no, is_synced FROM ${erp.orders}`);
  return new Map(Array.from(rows, (r) => [r.order_no, Number(r.is_synced)]));
}

/** Every flag written so far went to a row whose workflow had already started. */
async function expectFlagsAfterStarts(): Promise<number> {
  const log = await erp.db.query<{ order_no: string; value: number; at: string }>(`SELECT order_no, value, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM ${erp.flagLog} WHERE value = 1`);
  for (const e of log) {
    const d = await hub.client.workflow.getHandle(`order:${CHANNEL}:${e.order_no}`).describe();
    expect(d.startTime.getTime(), `flag of ${e.order_no} written before its workflow started`).toBeLessThanOrEqual(Date.parse(e.at) + 1);
  }
  return log.length;
}

describe('legacy ERP polling over ODBC (PostgreSQL + psqlODBC)', () => {
  it('creates a Temporal Schedule per polled ERP channel, overlap SKIP', async () => {
    const d = await hub.client.schedule.getHandle(erpPollScheduleId(CHANNEL, hub.taskQueue)).describe();
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'erpPoll' });
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.spec.intervals?.[0]?.every).toBe(3_600_000);
    // Only that one: the shop poll (a platform's windowed order.pull) never runs on an ERP channel.
    await expect(hub.client.schedule.getHandle(pollScheduleId(CHANNEL, hub.taskQueue)).describe()).rejects.toThrow(/not found/i);
  });

  it('picks up inserts, with rows sharing one timestamp across a batch boundary neither skipped nor repeated', async () => {
    const t = erpTime();
    // 7 rows, one timestamp, batch size 3: the key breaks the tie at both batch boundaries.
    const keys = ['T-07', 'T-03', 'T-05', 'T-01', 'T-06', 'T-02', 'T-04'];
    for (const k of keys) await insertOrder(erp.db, erp.orders, { orderNo: k, updatedAt: t });
    const r = await poll();
    expect(r).toMatchObject({ rows: 7, started: 7, duplicates: 0, quarantined: 0 });
    expect(r.batches).toBe(3);
    await recordHistory(lastPollId, 'erp-poll-three-batches');
    for (const k of keys) expect(await workflowExists(k)).toBe(true);
    const f = await flags();
    for (const k of keys) expect(f.get(k)).toBe(1);
    const cursor = await new ErpCursorStore(hub.redis, hub.prefix).get('erp-acme');
    // The driver renders the timestamp its own way ("...48.99" for 48.990): compared as instants.
    expect(cursor?.key).toBe('T-07');
    expect(compareTimestamps(cursor?.updatedAt ?? '', t)).toBe(0);
    // Nothing new: the overlap window is re-read, and every row in it is left alone.
    const again = await poll();
    expect(again).toMatchObject({ started: 0, duplicates: 0, skipped: 7 });
    expect(await expectFlagsAfterStarts()).toBe(7);
  });

  it('picks up an update of a known row and forwards it to the running workflow', async () => {
    await new Promise((r) => setTimeout(r, 5));
    await erp.db.query(`UPDATE ${erp.orders} SET status = 'CANCELLED', updated_at = ? , is_synced = 0 WHERE order_no = 'T-03'`, [erpTime()]);
    const r = await poll();
    expect(r).toMatchObject({ started: 0, duplicates: 1 });
    expect((await flags()).get('T-03')).toBe(1);
  });

  it('catches a transaction that commits after the cursor passed its timestamp (overlap window)', async () => {
    const late = await odbc.connect(inject('odbcConnectionString'));
    try {
      await late.beginTransaction();
      await insertOrder(late, erp.orders, { orderNo: 'L-01', updatedAt: erpTime() });
      await new Promise((r) => setTimeout(r, 20));
      await insertOrder(erp.db, erp.orders, { orderNo: 'L-02', updatedAt: erpTime() });
      const before = await poll();
      expect(before).toMatchObject({ started: 1 });
      expect(await workflowExists('L-02')).toBe(true);
      expect(await workflowExists('L-01')).toBe(false);
      await late.commit();
    } finally {
      await late.close();
    }
    const after = await poll();
    expect(after).toMatchObject({ started: 1 });
    expect(await workflowExists('L-01')).toBe(true);
    expect((await flags()).get('L-01')).toBe(1);
  });

  it('a poller killed between starting workflows and writing flags restarts without skipping a row or starting one twice', async () => {
    const t = erpTime();
    const keys = ['K-1', 'K-2', 'K-3', 'K-4', 'K-5'];
    for (const k of keys) await insertOrder(erp.db, erp.orders, { orderNo: k, updatedAt: t });
    // The flag write fails: the batch stops after its workflows started and before any flag.
    await erp.db.query(`UPDATE ${erp.flagLog}_switch SET fail = true`);
    const id = `test-poll-killed-${randomUUID()}`;
    const handle = await hub.client.workflow.start('erpPoll', { taskQueue: hub.taskQueue, workflowId: id, args: [{ connector: 'erp-acme', channel: CHANNEL }] });
    // Wait for the first batch's workflows to exist (the activity is now failing on the flags).
    const deadline = Date.now() + 20_000;
    while (!(await workflowExists('K-3')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await workflowExists('K-1')).toBe(true);
    // The point between: started, not flagged; the cursor has not moved past them.
    const mid = await flags();
    for (const k of keys) expect(mid.get(k)).toBe(0);
    // A refused flag write (the trigger raises, SQLSTATE P0001) is a statement that cannot work: the
    // run fails at once as AdapterRejected rather than retrying. Either way the run ends here.
    const ended = await handle.result().then(
      () => null,
      (err: unknown) => err,
    );
    expect(ended).toBeInstanceOf(WorkflowFailedError);
    expect(failureType(ended)).toBe('AdapterRejected');
    await erp.db.query(`UPDATE ${erp.flagLog}_switch SET fail = false`);

    const r = await poll();
    expect(r.started + r.duplicates).toBe(5);
    expect(r.duplicates).toBeGreaterThanOrEqual(3);
    const f = await flags();
    for (const k of keys) {
      expect(f.get(k)).toBe(1);
      // Exactly one execution per ERP key (REJECT_DUPLICATE makes a second impossible; count to be sure).
      const runs = [];
      for await (const w of hub.client.workflow.list({ query: `WorkflowId = 'order:${CHANNEL}:${k}'` })) runs.push(w);
      expect(runs.length).toBeLessThanOrEqual(1);
      expect(await workflowExists(k)).toBe(true);
    }
    await expectFlagsAfterStarts();
  });

  it('quarantines a row that fails mapping, flags it so it is not re-read, and replays it after the mapping is fixed', async () => {
    await insertOrder(erp.db, erp.orders, { orderNo: 'Q-1', status: 'APPROVED', updatedAt: erpTime() });
    const r = await poll();
    expect(r).toMatchObject({ quarantined: 1, started: 0 });
    expect((await flags()).get('Q-1')).toBe(-1);
    expect(await workflowExists('Q-1')).toBe(false);
    const list = await json(await hub.app.request(`/api/quarantine?channel=${CHANNEL}`, admin));
    const items = (list as { items: { id: string; mappingId: string }[] }).items;
    expect(items).toHaveLength(1);
    const qid = items[0]?.id ?? '';
    // Re-polling (the row is still in the overlap window) does not quarantine it again.
    expect(await poll()).toMatchObject({ quarantined: 0 });
    expect(((await json(await hub.app.request(`/api/quarantine?channel=${CHANNEL}`, admin))) as { items: unknown[] }).items).toHaveLength(1);

    // The fix: this ERP's APPROVED means paid.
    const file = path.join(mappingsDir, 'legacy-erp', 'order.v1.jsonata');
    const src = await readFile(file, 'utf8');
    await writeFile(file, src.replace('$status := $lookup(', '$status := $uppercase($trim($string(status))) = "APPROVED" ? "paid" : $lookup('));
    expect(await hub.mappings.loadOne({ id: 'legacy-erp/order.v1', adapter: 'legacy-erp', name: 'order', version: 1 })).toBe(true);
    const replay = await hub.app.request(`/api/quarantine/${qid}/replay`, { method: 'POST', ...admin });
    expect(replay.status).toBe(200);
    expect(await json(replay)).toMatchObject({ ok: true, orderKey: `${CHANNEL}:Q-1`, duplicate: false });
    expect(await workflowExists('Q-1')).toBe(true);
  });

  it('writes shipment status and tracking number back to the ERP table idempotently', async () => {
    const { instance } = await hub.registry.connector('erp-acme');
    const ctx = { signal: new AbortController().signal, idempotencyKey: 'wb-1', logger: hub.logger, heartbeat() {} };
    const shipped = { orderNo: 'T-01', event: 'shipped', status: 'SHIPPED', carrier: 'SF', trackingNo: 'SF1234567890', at: '2026-03-01T10:00:00+08:00' };
    expect(await instance.invoke('shipment.confirm', shipped, ctx)).toMatchObject({ written: true, action: 'inserted' });
    expect(await instance.invoke('shipment.confirm', shipped, ctx)).toMatchObject({ written: true, action: 'updated' });
    await instance.invoke('shipment.confirm', { ...shipped, event: 'delivered', status: 'DELIVERED' }, ctx);
    const rows = await erp.db.query<{ order_no: string; event: string; tracking_no: string }>(`SELECT order_no, event, tracking_no FROM ${erp.shipments} ORDER BY event`);
    expect(Array.from(rows)).toEqual([
      { order_no: 'T-01', event: 'delivered', tracking_no: 'SF1234567890' },
      { order_no: 'T-01', event: 'shipped', tracking_no: 'SF1234567890' },
    ]);
    await expect(instance.invoke('shipment.confirm', { ...shipped, event: 'lost' }, ctx)).rejects.toThrow(/event/);
  });

  it('writes back through a procedure when one is configured (PostgreSQL procedure, CALL)', async () => {
    await erp.db.query(`CREATE PROCEDURE ${erp.shipments}_proc(p_order varchar, p_event varchar, p_status varchar, p_carrier varchar, p_tracking varchar, p_at varchar) LANGUAGE sql AS $$
      INSERT INTO ${erp.shipments} VALUES (p_order, p_event, p_status, p_carrier, p_tracking, p_at)
      ON CONFLICT (order_no, event) DO UPDATE SET status = excluded.status, tracking_no = excluded.tracking_no $$`);
    const LegacyErp = (await import('../adapters/legacy-erp/index.js')).default;
    const conn = await LegacyErp.create(LegacyErp.configSchema.parse({ connection: inject('odbcConnectionString'), writeBack: { procedure: `${erp.shipments}_proc`, callStyle: 'call' } }), { logger: hub.logger, fetch, mappings: null, now: () => new Date() });
    try {
      const ctx = { signal: new AbortController().signal, idempotencyKey: 'wb-p', logger: hub.logger, heartbeat() {} };
      const v = { orderNo: 'P-01', event: 'shipped', status: 'SHIPPED', carrier: 'EMS', trackingNo: 'EMS1', at: '2026-03-01T10:00:00+08:00' };
      expect(await conn.invoke('shipment.confirm', v, ctx)).toMatchObject({ written: true, mode: 'procedure' });
      await conn.invoke('shipment.confirm', { ...v, trackingNo: 'EMS2' }, ctx);
      const rows = await erp.db.query<{ tracking_no: string }>(`SELECT tracking_no FROM ${erp.shipments} WHERE order_no = 'P-01'`);
      expect(Array.from(rows)).toEqual([{ tracking_no: 'EMS2' }]);
    } finally {
      await conn.close();
    }
  });

  it('reports a broken connection string as a failed poll, not a silent one', async () => {
    const bad = await startTestHub({
      env: { ERP_ODBC: 'Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Database=erp;Uid=x;Pwd=y' },
      config: {
        connectors: [{ id: 'erp-bad', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', intervalSeconds: 3600, loginTimeoutSeconds: 2, poll: { table: 'nope', keyColumn: 'order_no', syncedColumn: 'is_synced' } } }],
        channels: [{ id: 'erp-bad', adapter: 'legacy-erp', shop: 'X', connector: 'erp-bad', mapping: 'legacy-erp/order.v1' }],
      },
    });
    try {
      const run = bad.client.workflow.execute('erpPoll', { taskQueue: bad.taskQueue, workflowId: `test-poll-bad-${randomUUID()}`, args: [{ connector: 'erp-bad', channel: 'erp-bad' }], workflowExecutionTimeout: '5 seconds' });
      await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    } finally {
      await bad.stop();
    }
  });
});

describe('legacy ERP polls go through the resilience layers', () => {
  // A dead ERP: accepts TCP connections and never answers, so each live attempt waits out its deadline.
  let silent: Server;
  const sockets = new Set<Socket>();
  let failing: Hub | null = null;
  const taskQueue = `tq-erp-fail-${randomUUID().slice(0, 8)}`;
  const prefix = `t${randomUUID().slice(0, 8)}:`;
  let deadOdbc = '';

  const failingHub = (brokenChannel: Record<string, unknown> = {}) =>
    startTestHub({
      taskQueue,
      prefix,
      env: { ERP_ODBC: inject('odbcConnectionString'), DEAD_ODBC: deadOdbc },
      config: {
        // A 1 s per-call deadline and a circuit that opens after two failures; reset far beyond the test.
        resilience: { breakers: { connectors: { 'erp-dead': { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 600_000, capabilities: { 'order.pull': { timeout: 1000 } } } } } },
        connectors: [
          { id: 'erp-dead', adapter: 'legacy-erp', config: { connection: '${DEAD_ODBC}', intervalSeconds: 3600, loginTimeoutSeconds: 5, poll: { table: 'orders', keyColumn: 'order_no', syncedColumn: 'is_synced' } } },
          // The table is there, the key column is not: SQLSTATE 42703 on every read, a config error no retry fixes.
          { id: 'erp-broken', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', intervalSeconds: 3600, poll: { table: erp.orders, keyColumn: 'no_such_column', updatedAtColumn: 'updated_at' } } },
        ],
        channels: [
          { id: 'erp-dead', adapter: 'legacy-erp', shop: 'DEAD', connector: 'erp-dead', mapping: 'legacy-erp/order.v1' },
          { id: 'erp-broken', adapter: 'legacy-erp', shop: 'BROKEN', connector: 'erp-broken', mapping: 'legacy-erp/order.v1', ...brokenChannel },
        ],
      },
    });

  beforeAll(async () => {
    silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const addr = silent.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    deadOdbc = `Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=${port};Database=erp;Uid=x;Pwd=y`;
    failing = await failingHub();
  });

  afterAll(async () => {
    await failing?.stop();
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent?.close(r));
  });

  const metric = async (h: Hub, name: string, labels: string): Promise<number> => {
    const text = await (await h.app.request('/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const DEAD = 'connector="erp-dead",capability="order.pull"';

  /** Waits until the run's pending poll activity has failed `attempts - 1` times; returns its last failure. */
  async function pendingFailure(h: Hub, workflowId: string, attempts: number): Promise<string> {
    const handle = h.client.workflow.getHandle(workflowId);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      if (pending && (pending.attempt ?? 0) >= attempts && pending.lastFailure) return pending.lastFailure.message ?? '';
      if (Date.now() > deadline) throw new Error(`poll ${workflowId} did not reach attempt ${attempts}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('opens the breaker on a dead ERP: later polls fail fast without touching it, and /metrics shows it', async () => {
    if (!failing) throw new Error('hub not started');
    const h = failing;
    const id = `test-poll-dead-${randomUUID()}`;
    await h.client.workflow.start('erpPoll', { taskQueue: h.taskQueue, workflowId: id, args: [{ connector: 'erp-dead', channel: 'erp-dead' }] });
    // Attempts 1 and 2 wait out the 1 s deadline and open the circuit; attempt 3 is refused by it.
    expect(await pendingFailure(h, id, 4)).toMatch(/circuit for order\.pull is open/);
    await h.client.workflow.getHandle(id).terminate('test done');
    expect(await metric(h, 'zhongshu_breaker_state', DEAD)).toBe(2);
    expect(await metric(h, 'zhongshu_breaker_opens_total', DEAD)).toBe(1);
    expect(await metric(h, 'zhongshu_breaker_calls_total', `${DEAD},outcome="timeout"`)).toBe(2);
    const shortBefore = await metric(h, 'zhongshu_breaker_calls_total', `${DEAD},outcome="short_circuited"`);
    expect(shortBefore).toBeGreaterThanOrEqual(1);

    // The next scheduled run: refused by the open circuit at once, its retry put off until half-open.
    const next = `test-poll-dead-${randomUUID()}`;
    await h.client.workflow.start('erpPoll', { taskQueue: h.taskQueue, workflowId: next, args: [{ connector: 'erp-dead', channel: 'erp-dead' }] });
    expect(await pendingFailure(h, next, 2)).toMatch(/circuit for order\.pull is open/);
    const pending = (await h.client.workflow.getHandle(next).describe()).raw.pendingActivities?.[0];
    // nextRetryDelay from the breaker: the retry waits for the reset (600 s), not the policy's 1 s backoff.
    expect(Number(pending?.currentRetryInterval?.seconds ?? 0)).toBeGreaterThan(60);
    await h.client.workflow.getHandle(next).terminate('test done');
    // No new call reached the ERP: only short-circuits were added.
    expect(await metric(h, 'zhongshu_breaker_calls_total', `${DEAD},outcome="timeout"`)).toBe(2);
    expect(await metric(h, 'zhongshu_breaker_calls_total', `${DEAD},outcome="short_circuited"`)).toBeGreaterThan(shortBefore);
  });

  it('fails a poll run on a permanent SQL error at once, without retries', async () => {
    if (!failing) throw new Error('hub not started');
    const id = `test-poll-broken-${randomUUID()}`;
    const run = failing.client.workflow.execute('erpPoll', { taskQueue: failing.taskQueue, workflowId: id, args: [{ connector: 'erp-broken', channel: 'erp-broken' }] });
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(failureType(err)).toBe('AdapterRejected');
    const events = (await failing.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const attempts = events.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.attempt] : []));
    expect(attempts).toEqual([1]);
    const failed = events.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure;
    expect(failed?.message).toMatch(/SQLSTATE 42703/);
    // A rejection is the ERP answering: it never counts against the breaker.
    expect(await metric(failing, 'zhongshu_breaker_calls_total', 'connector="erp-broken",capability="order.pull",outcome="rejected"')).toBe(1);
    expect(await metric(failing, 'zhongshu_breaker_state', 'connector="erp-broken",capability="order.pull"')).toBe(0);
  });

  it('deletes the ERP schedule of a channel switched to poll.enabled: false at the next start', async () => {
    if (!failing) throw new Error('hub not started');
    const schedule = (channel: string) => failing?.client.schedule.getHandle(erpPollScheduleId(channel, taskQueue)).describe();
    await expect(schedule('erp-broken')).resolves.toMatchObject({ action: { workflowType: 'erpPoll' } });
    await failing.stop();
    failing = await failingHub({ poll: { enabled: false } });
    await expect(schedule('erp-broken')).rejects.toThrow(/not found/i);
    // The other ERP channel keeps its poll.
    await expect(schedule('erp-dead')).resolves.toMatchObject({ action: { workflowType: 'erpPoll' } });
  });
});

describe('legacy ERP calls hold a pooled connection no longer than their deadline', () => {
  it('passes the deadline to the driver as the query timeout: the database cancels the statement (retryably)', async () => {
    const { instance } = await hub.registry.connector('erp-acme');
    if (!(instance instanceof LegacyErpConnector)) throw new Error('erp-acme is not a legacy-erp connector');
    const started = Date.now();
    const err = await instance.run({ sql: 'SELECT pg_sleep(30)', params: [] }, 'slow read', { deadline: Date.now() + 1000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ retryable: true });
    // Cancelled by the server (57014) long before pg_sleep's 30 s: the connection went back to the pool.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await instance.testConnection()).toEqual({ ok: true });
  });

  it('does not take a connection for a call already abandoned', async () => {
    const { instance } = await hub.registry.connector('erp-acme');
    if (!(instance instanceof LegacyErpConnector)) throw new Error('erp-acme is not a legacy-erp connector');
    const gone = new AbortController();
    gone.abort();
    await expect(instance.run({ sql: 'SELECT 1', params: [] }, 'late read', { signal: gone.signal })).rejects.toMatchObject({ code: 'aborted', retryable: true });
  });
});
