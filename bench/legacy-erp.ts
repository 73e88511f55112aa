// Section E (issue 8): legacy ERP polled over ODBC. (1) Time from an ERP row insert to its order
// workflow's start at the default 10 s interval, driven by the real Temporal Schedule. (2) Backlog
// throughput: N rows present at start, rows/s until every workflow has started, against the
// engine's workflow-start floor (plain client starts of the floor workflow) measured in the same run.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import odbc from 'odbc';
import { parseConfig } from '../src/config/load.js';
import { startEmbeddedPostgres } from '../src/embedded/postgres.js';
import { createHub, type Hub } from '../src/hub.js';
import type { Logger } from '../src/logger.js';
import { packageRoot } from '../src/util/package-info.js';
import { ratePerSecond, summarize, percentile, type Summary } from '../src/util/stats.js';
import { workflowBundles } from './bundles.js';
import { ErpCursorStore } from '../src/legacy-erp/poller.js';
import { QuarantineStore } from '../src/store/quarantine.js';
import { runPool } from './pool.js';
import { freePort, onCleanup } from './services.js';
import type { benchFloor, FloorActivities } from './workflows.js';

export interface LegacyErpOptions {
  /** Insert-to-start samples at the default interval (each waits for a scheduled poll). */
  samples: number;
  /** Rows present at start; the full size is 100,000. */
  backlog: number;
  intervalSeconds: number;
  batchSize: number;
  concurrency: number;
  hubLogLevel: string;
}

export interface LegacyErpResult {
  options: LegacyErpOptions;
  latency: Summary & { p95: number };
  latencyTargetMs: number;
  latencyPass: boolean;
  backlog: { rows: number; ms: number; rate: number };
  floor: { starts: number; ms: number; rate: number };
  ratio: number;
  target: number;
  pass: boolean;
}

const TABLE = 'bench_orders';
const FLOOR_TASK_QUEUE = 'bench-erp-floor';

function erpTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);
}

const LINES = JSON.stringify([{ line_no: '1', sku: 'B-SKU', name: 'bench pen', qty: 1, price: '15.00' }]);

async function createTable(db: odbc.Connection): Promise<void> {
  await db.query(`CREATE TABLE ${TABLE} (order_no varchar(32) PRIMARY KEY, status varchar(24) NOT NULL, created_at timestamp(3) NOT NULL, paid_at timestamp(3),
    updated_at timestamp(3) NOT NULL, province varchar(32), city varchar(32), district varchar(32), address varchar(200), lines_json text NOT NULL, is_synced integer NOT NULL DEFAULT 0)`);
  await db.query(`CREATE INDEX ON ${TABLE} (updated_at, order_no)`);
}

async function insertRow(db: odbc.Connection, orderNo: string, at: number): Promise<void> {
  const t = erpTime(at);
  await db.query(`INSERT INTO ${TABLE} (order_no, status, created_at, paid_at, updated_at, province, city, district, address, lines_json) VALUES (?, 'PAID', ?, ?, ?, '广东省', '深圳市', '南山区', '科技园 1 号', ?)`, [orderNo, t, t, t, LINES]);
}

async function waitStarted(client: Client, workflowId: string, timeoutMs: number): Promise<Date> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return (await client.workflow.getHandle(workflowId).describe()).startTime;
    } catch {
      if (Date.now() > deadline) throw new Error(`${workflowId} did not start within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function runLegacyErpBench(o: LegacyErpOptions, env: { temporalAddress: string; redisUrl: string; logger: Logger; hubLogger: Logger; progress: (msg: string) => void }): Promise<LegacyErpResult> {
  env.progress('section E: starting PostgreSQL (the ERP stand-in, read through unixODBC + psqlODBC)');
  const pg = await startEmbeddedPostgres({ port: await freePort(), logger: env.logger });
  const stopPg = onCleanup(() => pg.process.stop());
  const db = await odbc.connect(pg.odbcConnectionString);
  const { hub: hubBundle, floor: floorBundle } = await workflowBundles();
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  let hub: Hub | null = null;
  try {
    await createTable(db);
    const cfg = parseConfig(
      {
        temporal: { address: env.temporalAddress, taskQueue: 'bench-erp' },
        redis: { url: env.redisUrl, keyPrefix: 'bench-erp:' },
        mappings: { dir: path.join(packageRoot(), 'mappings') },
        connectors: [
          {
            id: 'erp-bench',
            adapter: 'legacy-erp',
            config: {
              connection: '${BENCH_ERP_ODBC}',
              intervalSeconds: o.intervalSeconds,
              poll: { table: TABLE, keyColumn: 'order_no', updatedAtColumn: 'updated_at', syncedColumn: 'is_synced', batchSize: o.batchSize, concurrency: o.concurrency },
            },
          },
        ],
        channels: [{ id: 'erp-bench', adapter: 'legacy-erp', shop: 'BENCH', connector: 'erp-bench', mapping: 'legacy-erp/order.v1' }],
        log: { level: o.hubLogLevel },
      },
      { BENCH_ERP_ODBC: pg.odbcConnectionString },
    );
    if (!cfg.ok) throw new Error(`bench hub config invalid: ${JSON.stringify(cfg.problems)}`);
    hub = await createHub(cfg.config, { logger: env.hubLogger, workflowBundle: { code: hubBundle.code }, env: { BENCH_ERP_ODBC: pg.odbcConnectionString } });
    await hub.start(); // creates the ERP poll schedule (every intervalSeconds)

    // (1) Insert-to-start latency through the scheduled polls. Inserts land at random points of
    //     the interval, so the samples see the whole 0..interval wait.
    env.progress(`section E: ${o.samples} insert-to-start samples at the ${o.intervalSeconds} s interval (about ${Math.round((o.samples * o.intervalSeconds * 1.1) / 60)} min)`);
    const latencies: number[] = [];
    for (let i = 0; i < o.samples; i++) {
      await new Promise((r) => setTimeout(r, Math.random() * o.intervalSeconds * 1000));
      const orderNo = `LAT-${i}-${randomUUID().slice(0, 6)}`;
      const insertedAt = Date.now();
      await insertRow(db, orderNo, insertedAt);
      const started = await waitStarted(client, `order:erp-bench:${orderNo}`, (o.intervalSeconds * 3 + 30) * 1000);
      latencies.push(started.getTime() - insertedAt);
      env.progress(`  sample ${i + 1}/${o.samples}: ${started.getTime() - insertedAt} ms`);
    }
    // The schedule is paused for the backlog: the bench drives that poll itself, to time it.
    const schedule = client.schedule.getHandle(`zhongshu-erp-poll:erp-bench@bench-erp`);
    await schedule.pause('bench: backlog measured with a directly started poll');
    await new Promise((r) => setTimeout(r, 1000));

    // (2) Backlog: N rows present before the poll starts (bulk insert, not timed).
    env.progress(`section E: inserting a backlog of ${o.backlog} rows`);
    const base = Date.now() - 3600_000;
    await db.query(
      `INSERT INTO ${TABLE} (order_no, status, created_at, paid_at, updated_at, province, city, district, address, lines_json)
       SELECT 'BL-' || lpad(g::text, 7, '0'), 'PAID', ts, ts, ts, '广东省', '深圳市', '南山区', '科技园 1 号', ?
       FROM (SELECT g, (timestamp '${erpTime(base)}' + (g / 10) * interval '1 millisecond') AS ts FROM generate_series(1, ${o.backlog}) g) s`,
      [LINES],
    );
    // "Present at start": the poller meets them with no cursor, as on its first day.
    await new ErpCursorStore(hub.redis, 'bench-erp:').reset('erp-bench');
    env.progress('section E: polling the backlog');
    const t0 = performance.now();
    const poll = await client.workflow.start('erpPoll', { taskQueue: 'bench-erp', workflowId: `bench-erp-backlog-${randomUUID()}`, args: [{ connector: 'erp-bench', channel: 'erp-bench' }] });
    // result() follows the continue-as-new chain a long backlog makes, to its last run.
    await poll.result();
    const backlogMs = performance.now() - t0;
    const rows = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${TABLE} WHERE order_no LIKE 'BL-%' AND is_synced = 1`);
    const flagged = Number(rows[0]?.n ?? 0);
    if (flagged !== o.backlog) {
      const left = await db.query<{ order_no: string; updated_at: string; is_synced: number }>(`SELECT order_no, updated_at, is_synced FROM ${TABLE} WHERE order_no LIKE 'BL-%' AND is_synced <> 1 ORDER BY updated_at, order_no LIMIT 5`);
      const kept = await new QuarantineStore(hub.redis, 'bench-erp:').list({ limit: 3 });
      throw new Error(`backlog: ${flagged} of ${o.backlog} rows flagged after the poll; first unflagged: ${JSON.stringify(Array.from(left))}; quarantined: ${JSON.stringify(kept.map((k) => k.error))}`);
    }
    // Let the backlog's own workflows finish before the floor runs on the same server.
    await new Promise((r) => setTimeout(r, 2000));

    // (3) Floor: the same number of in-flight starts as the poller uses, plain client starts of the
    //     bench floor workflow (its worker running, as the hub's worker runs the order workflows).
    const floorN = Math.min(o.backlog, 2000);
    env.progress(`section E: engine workflow-start floor (${floorN} starts, ${o.concurrency} in flight)`);
    const floorConnection = await NativeConnection.connect({ address: env.temporalAddress });
    const activities: FloorActivities = { async noop() {} };
    const floorWorker = await Worker.create({ connection: floorConnection, namespace: 'default', taskQueue: FLOOR_TASK_QUEUE, workflowBundle: { code: floorBundle.code }, activities });
    const floorRunning = floorWorker.run();
    let floorMs = 0;
    try {
      const tag = randomUUID().slice(0, 6);
      const f0 = performance.now();
      await runPool(floorN, o.concurrency, async (i) => {
        await client.workflow.start<typeof benchFloor>('benchFloor', { taskQueue: FLOOR_TASK_QUEUE, workflowId: `erp-floor-${tag}-${i}`, args: [] });
      });
      floorMs = performance.now() - f0;
    } finally {
      floorWorker.shutdown();
      await floorRunning;
      await floorConnection.close();
    }
    const floorRate = ratePerSecond(floorN, floorMs);
    const backlogRate = ratePerSecond(flagged, backlogMs);
    const s = summarize(latencies);
    const latencyTargetMs = 2 * o.intervalSeconds * 1000;
    const p95 = percentile(latencies, 95);
    const ratio = floorRate > 0 ? backlogRate / floorRate : 0;
    return {
      options: o,
      latency: { ...s, p95 },
      latencyTargetMs,
      latencyPass: p95 < latencyTargetMs,
      backlog: { rows: flagged, ms: backlogMs, rate: backlogRate },
      floor: { starts: floorN, ms: floorMs, rate: floorRate },
      ratio,
      target: 0.8,
      pass: ratio >= 0.8,
    };
  } finally {
    await hub?.stop();
    await connection.close();
    await db.close();
    await stopPg();
  }
}
