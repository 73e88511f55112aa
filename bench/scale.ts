// Section J (issue 19): the hub as separate processes, `zhongshu start --role http` plus one or
// two `--role worker`, on the production Temporal topology (four services on PostgreSQL, the
// config docker-compose.yml mounts) and, beside it, on the dev server with the same process
// topology. Each side takes the same signed Shopify webhooks over HTTP at a fixed concurrency
// through the section C lifecycle (SF and Wangdiantong sandboxes answering after their delays);
// done = the WDT sandbox recorded the order's trade.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { startTemporalCluster } from '../src/deploy/temporal-cluster.js';
import { provisionedTemporalServer, temporalServerDir } from '../src/deploy/temporal-server-binaries.js';
import { startEmbeddedPostgres } from '../src/embedded/postgres.js';
import { startEmbeddedRedis, startEmbeddedTemporal } from '../src/embedded/services.js';
import { InventoryPool } from '../src/inventory/pool.js';
import type { Logger } from '../src/logger.js';
import { SDK_METRICS_ENV } from '../src/temporal/sdk-metrics.js';
import { CAPABILITY } from '../src/sdk/capabilities.js';
import { ratePerSecond, summarize } from '../src/util/stats.js';
import { getOrderState } from '../workflows/order-lifecycle.js';
import { nextOrderId, signedRequest, workflowIdOf } from './engine.js';
import { startHubProcess, type HubProcess } from './hub-process.js';
import { benchOrderText, lifecycleHubRawConfig, ON_HAND, SKU_RENAMES, startBackOffice, WAREHOUSE, withTimeout } from './lifecycle.js';
import { runPool } from './pool.js';
import { promCounterSum, SCALE_SIDE, type ScaleSide, type ScaleSideName } from './scale-report.js';
import { freePort, onCleanup } from './services.js';

export interface ScaleOptions {
  /** Measured orders per side and round. */
  n: number;
  /** Rounds; each runs the three sides one after the other, so drift on a shared machine hits all alike. */
  rounds: number;
  /** Orders in flight: webhook until its trade reached the WMS sandbox. */
  concurrency: number;
  /** Orders before each measured batch (JIT, connections, the new worker's caches). */
  warmup: number;
  /** Per order: longer than this without its WMS push fails the section. */
  orderTimeoutMs: number;
  sfLatencyMs: number;
  wdtLatencyMs: number;
  hubLogLevel: string;
}

export interface ScaleResult {
  options: ScaleOptions;
  sides: ScaleSide[];
  /** 1-minute load average when the section started and when it ended. */
  load: { start: number; end: number };
  /** What each phase took, s (start-up included), for sizing the defaults. */
  phaseS: Record<string, number>;
}

export type ScaleOutcome = { ran: true; result: ScaleResult } | { ran: false; skipped: string };

const TASK_QUEUE = 'bench-scale';
const HUB_READY_MS = 240_000;
const WMS_PUSH_METRIC = 'zhongshu_breaker_calls_total';
const WMS_PUSH_LABELS = { connector: 'wdt', capability: CAPABILITY.WMS_ORDER_PUSH, outcome: 'success' } as const;

/** A worker process's WMS pushes so far, read from its own /metrics. */
async function wmsPushes(metricsPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  if (!res.ok) throw new Error(`worker /metrics on port ${metricsPort} answered ${res.status}`);
  return promCounterSum(await res.text(), WMS_PUSH_METRIC, WMS_PUSH_LABELS);
}

export async function runScaleBench(o: ScaleOptions, env: { logger: Logger; progress: (msg: string) => void; loadavg: () => number }): Promise<ScaleOutcome> {
  const temporalBuild = provisionedTemporalServer();
  if (!temporalBuild) return { ran: false, skipped: `no Temporal server build in ${temporalServerDir()}; run \`bash scripts/provision/temporal-server.sh\` (builds it from its Go module, ~3 min on 2 cores), then BENCH_ONLY=scale npm run bench` };

  const loadStart = env.loadavg();
  const phaseS: Record<string, number> = {};
  let phaseAt = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phaseS[name] = Math.round((now - phaseAt) / 100) / 10;
    phaseAt = now;
  };

  // Everything started is closed in reverse order, on success and on failure alike (hub processes
  // before their Temporal and Redis); onCleanup also closes it on Ctrl-C.
  const started: (() => Promise<void>)[] = [];
  const closing = (close: () => Promise<void>) => started.push(onCleanup(close));
  const closeAll = async () => {
    for (const close of started.splice(0).reverse()) {
      await close().catch((err: unknown) => env.logger.warn({ err }, 'section J: stopping a service failed'));
    }
  };
  try {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-bench-scale-'));
    closing(async () => {
      if (!process.env['BENCH_KEEP_DATA']) await rm(dataDir, { recursive: true, force: true });
    });
    const orderText = await benchOrderText();
    env.progress(`section J: SF sandbox (answers after ${o.sfLatencyMs} ms), WDT sandbox (${o.wdtLatencyMs} ms), redis-server and the order store's PostgreSQL`);
    const { sf, closeSf, wdt, closeWdt, trades } = await startBackOffice(o);
    started.push(closeSf, closeWdt);
    const redisServer = await startEmbeddedRedis({ dataDir, port: await freePort(), logger: env.logger });
    closing(() => redisServer.process.stop());
    // One order store for every side, as the hub's processes share one in production.
    const store = await startEmbeddedPostgres({ port: await freePort(), logger: env.logger, database: 'zhongshu' });
    closing(() => store.process.stop());
    const databaseUrl = `postgres://${store.user}@127.0.0.1:${store.port}/${store.database}`;
    const redis = new Redis(redisServer.url);
    closing(async () => {
      redis.disconnect();
    });

    /** The hub as processes against one Temporal: an http process and worker processes added one at a time. */
    const topology = async (name: string, temporalAddress: string) => {
      const port = await freePort();
      const keyPrefix = `benchj-${name}:`;
      const { raw, secrets } = lifecycleHubRawConfig({ temporalAddress, redisUrl: redisServer.url, taskQueue: TASK_QUEUE, keyPrefix, logLevel: o.hubLogLevel }, sf, wdt);
      const configFile = path.join(dataDir, `hub-${name}.json`);
      await writeFile(configFile, JSON.stringify({ ...raw, server: { host: '127.0.0.1', port, console: false } }, null, 2));
      const pool = new InventoryPool(redis, keyPrefix);
      for (const [, sku] of SKU_RENAMES) await pool.setOnHand(WAREHOUSE, sku, ON_HAND);
      // Metrics ports are the bench's own choice per process, never inherited from the shell.
      const base: NodeJS.ProcessEnv = { ...process.env, ...secrets, TEMPORAL_ADDRESS: temporalAddress, REDIS_URL: redisServer.url, DATABASE_URL: databaseUrl };
      delete base['ZHONGSHU_METRICS_PORT'];
      delete base[SDK_METRICS_ENV];
      const connection = await Connection.connect({ address: temporalAddress });
      closing(() => connection.close());
      const client = new Client({ connection, namespace: 'default' });
      const hubs: HubProcess[] = [];
      const workers: { hub: HubProcess; metricsPort: number }[] = [];
      closing(async () => {
        await Promise.all(hubs.map((h) => h.stop()));
      });
      let count = 0;
      const startOne = async (role: 'http' | 'worker') => {
        const metricsPort = role === 'worker' ? await freePort() : null;
        const h = await startHubProcess({ role, configFile, env: metricsPort === null ? base : { ...base, ZHONGSHU_METRICS_PORT: String(metricsPort) }, logFile: path.join(dataDir, `hub-${name}-${role}-${count++}.log`), readyTimeoutMs: HUB_READY_MS });
        hubs.push(h);
        if (metricsPort !== null) workers.push({ hub: h, metricsPort });
      };
      /** Starts the processes side by side; waits for all (a failed one must not leave another starting unseen), then throws the first failure. */
      const start = async (...roles: ('http' | 'worker')[]) => {
        const r = await Promise.allSettled(roles.map(startOne));
        const failed = r.find((x) => x.status === 'rejected');
        if (failed) throw failed.reason;
      };
      /** Stops the newest worker process (SIGTERM: it drains, as on a scale-down). */
      const stopLastWorker = async () => {
        const w = workers.pop();
        if (!w) throw new Error(`${name}: no worker process to stop`);
        hubs.splice(hubs.indexOf(w.hub), 1);
        await w.hub.stop();
      };
      return {
        url: `http://127.0.0.1:${port}`,
        client,
        start,
        stopLastWorker,
        pushes: () => Promise.all(workers.map((w) => wmsPushes(w.metricsPort))),
      };
    };
    type Topology = Awaited<ReturnType<typeof topology>>;

    /** n orders at o.concurrency through the http process; untimed afterwards: each reached pushed_to_wms. */
    const drive = async (t: Topology, n: number): Promise<{ ms: number; answer: number[]; paidToWms: number[] }> => {
      // Bodies and signatures are built before the clock starts: that is the platform's work, not ours.
      const requests = Array.from({ length: n }, () => {
        const id = nextOrderId();
        return { id, req: signedRequest(orderText(), id) };
      });
      const answer: number[] = [];
      const paidToWms: number[] = [];
      const workflowIds: string[] = [];
      const t0 = performance.now();
      await runPool(n, o.concurrency, async (i) => {
        const r = requests[i];
        if (!r) throw new Error(`no request ${i}`);
        const s = performance.now();
        const res = await fetch(t.url + r.req.url, r.req.init);
        const a = performance.now();
        answer.push(a - s);
        const body: unknown = await res.json();
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        workflowIds.push(workflowIdOf(body));
        const arrived = await withTimeout(trades.arrival(r.id), o.orderTimeoutMs, async () => new Error(`order ${r.id}: no WDT trade within ${o.orderTimeoutMs} ms; WDT has ${trades.seen().length} trade(s)`));
        paidToWms.push(arrived - a);
      });
      const ms = performance.now() - t0;
      // The trade lands inside the push activity, a workflow task before pushed_to_wms is recorded.
      const deadline = Date.now() + o.orderTimeoutMs;
      const states = await Promise.all(
        workflowIds.map(async (id) => {
          for (;;) {
            const st = await t.client.workflow.getHandle(id).query(getOrderState).then((x) => x.state, (err: unknown) => `query failed: ${String(err)}`);
            if (st === 'pushed_to_wms' || Date.now() > deadline) return st;
            await new Promise((r) => setTimeout(r, 200));
          }
        }),
      );
      const off = states.filter((x) => x !== 'pushed_to_wms');
      if (off.length) throw new Error(`${off.length} of ${n} orders did not reach pushed_to_wms after their trade arrived: ${[...new Set(off)].join(', ')}`);
      return { ms, answer, paidToWms };
    };

    interface Collected {
      perRound: number[];
      ms: number;
      answer: number[];
      paidToWms: number[];
      pushes: number[];
    }
    const collected = new Map<ScaleSideName, Collected>();
    const batch = async (t: Topology, side: ScaleSideName, round: number): Promise<void> => {
      if (o.warmup > 0) await drive(t, o.warmup);
      const before = await t.pushes();
      const r = await drive(t, o.n);
      const after = await t.pushes();
      const c = collected.get(side) ?? { perRound: [], ms: 0, answer: [], paidToWms: [], pushes: [] };
      const rate = ratePerSecond(o.n, r.ms);
      c.perRound.push(rate);
      c.ms += r.ms;
      c.answer.push(...r.answer);
      c.paidToWms.push(...r.paidToWms);
      after.forEach((x, i) => (c.pushes[i] = (c.pushes[i] ?? 0) + x - (before[i] ?? 0)));
      collected.set(side, c);
      env.progress(`section J round ${round + 1}/${o.rounds} ${side}: ${rate.toFixed(1)} orders/s`);
    };

    phase('sandboxes, redis, store');
    // Both Temporals and both hub topologies stay up for the whole section, so the sides can
    // alternate within each round; the idle one's background work weighs on the others alike.
    env.progress('section J: dev server (SQLite WAL, synchronous=OFF) and its hub: http + 1 worker process');
    const dev = await startEmbeddedTemporal({ dataDir: path.join(dataDir, 'dev'), port: await freePort(), uiPort: null, namespace: 'default', fastSqlite: true, logger: env.logger, startTimeoutMs: 90_000 });
    closing(() => dev.process.stop());
    const onDev = await topology('dev', dev.address);
    await onDev.start('http', 'worker');
    phase('dev server and its hub: start');
    env.progress('section J: Temporal cluster (PostgreSQL + frontend, history, matching, worker) and its hub: http + 1 worker process');
    const cluster = await startTemporalCluster({ dataDir: path.join(dataDir, 'cluster'), logger: env.logger, build: temporalBuild });
    closing(() => cluster.stop());
    const onCluster = await topology('cluster', cluster.address);
    await onCluster.start('http', 'worker');
    phase('cluster and its hub: start');
    for (let r = 0; r < o.rounds; r++) {
      await batch(onDev, SCALE_SIDE.DEV, r);
      await batch(onCluster, SCALE_SIDE.CLUSTER_1, r);
      // A fresh second worker each round joins the task queue and leaves it after its batch.
      await onCluster.start('worker');
      await batch(onCluster, SCALE_SIDE.CLUSTER_2, r);
      await onCluster.stopLastWorker();
    }
    phase(`${o.rounds} round(s)`);
    const sides: ScaleSide[] = [...collected].map(([side, c]) => ({
      side,
      orders: c.perRound.length * o.n,
      ms: c.ms,
      rate: ratePerSecond(c.perRound.length * o.n, c.ms),
      perRound: c.perRound,
      answer: summarize(c.answer),
      paidToWms: summarize(c.paidToWms),
      pushesPerWorker: c.pushes,
    }));
    return { ran: true, result: { options: o, sides, load: { start: loadStart, end: env.loadavg() }, phaseS } };
  } finally {
    await closeAll();
  }
}
