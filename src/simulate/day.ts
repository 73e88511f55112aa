import { serve, type ServerType } from '@hono/node-server';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { TOP_ERRORS } from '../../adapters/taobao/sandbox.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHub, type Hub } from '../hub.js';
import { InventoryPool } from '../inventory/pool.js';
import { createLogger } from '../logger.js';
import { SANDBOX_FAULT } from '../sandbox/core.js';
import { freePort, startSandboxWorld, WORLD, WORLD_PLATFORMS, type SandboxWorld, type WorldPlatform } from '../sandbox/world.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import { DecisionQueue } from '../store/decisions.js';
import { workflowIdFor } from '../intake/order-intake.js';
import { errorMessage } from '../util/errors.js';
import { pollNow, startShopFloor } from './background.js';
import { pollScheduleId } from '../polling/schedules.js';
import { allWaybills, CourierFloor, WaybillOwners, type TrackingReporter } from './courier.js';
import { checkInvariants, type HubView, type InvariantResult, type StoredView } from './invariants.js';
import { checkFinance, financeNotChecked } from './finance-check.js';
import { planDay, REMOTE_DISTRICT, SCENARIO, type PlannedOrder } from './plan.js';
import { startEmbeddedHubPostgres } from '../embedded/hub-postgres.js';
import type { ManagedProcess } from '../embedded/process.js';
import type { OrderStore } from '../store/db/order-store.js';
import { simHubConfig, unpaidLockMsAt, type SimHubSpec } from './hub-config.js';
import { startOwnRedis, type OwnRedis } from './own-redis.js';
import { startWorkerChild, type WorkerChild } from './worker-child.js';
import { noticesByOrder } from './notices.js';
import { playOrder, type ScriptContext } from './scripts.js';
import { ShadowRecorder } from '../shadow/recorder.js';
import { checkShadow } from './shadow-check.js';
import { ShadowFloor } from './shadow-floor.js';

export interface SimulateOptions {
  seed: number;
  orders: number;
  /**
   * How much faster than a real shop the hub's timers run: the unpaid countdown is 30 shop
   * minutes and an unpaid order closes 2 shop hours after it was placed.
   */
  speed: number;
  faults: boolean;
  temporalAddress: string;
  /**
   * An existing Redis. Absent (the default), the day runs its own redis-server in a temporary
   * directory, which the redis-restart fault stops and starts; with a given Redis that fault is
   * not played (a shared Redis is not the simulator's to restart) and a note says so.
   */
  redisUrl?: string;
  /** Pre-built workflow bundle (tests); default: bundle workflows/ at start. */
  workflowBundle?: WorkflowBundleOption;
  /** The hub confirms shipments to platforms (default true; false is the deliberately broken run). */
  shipmentConfirm?: boolean;
  /** Runs after the day drained, before the checks: a test may tamper with a sandbox's ledger. */
  beforeCheck?: (world: SandboxWorld) => void;
  /** How long orders keep arriving (default: 150 ms an order, at least 10 s). */
  dayMs?: number;
  /**
   * Once the last order was played the day drains while orders keep settling: it gives up when
   * none settled for this long (default 120 s), or after 30 minutes in all.
   */
  drainTimeoutMs?: number;
  /**
   * The order store's PostgreSQL. Absent (the default), the day runs an embedded PostgreSQL in its
   * temporary directory, as `zhongshu start` does; null runs without a store (STORE_AGREES and FINANCE_AGREES are then
   * not checked, and a note says so).
   */
  databaseUrl?: string | null;
  logLevel?: string;
  progress?: (line: string) => void;
  /** Stops the day (SIGTERM to `zhongshu simulate`): it rejects with the abort reason after closing the hub, the sandboxes and what it started. */
  signal?: AbortSignal;
  /**
   * This platform's channel runs in shadow mode all day (双轨运行), the others live: its orders'
   * downstream writes go to the shadow recorder in the order store (so a store is needed), and
   * the shadow invariants (shadow-check.ts) are checked besides the day's own.
   */
  shadow?: WorldPlatform | null;
}

export interface FaultRecord {
  name: string;
  fromMs: number;
  toMs: number | null;
  detail: string;
}

export interface SimulationReport {
  seed: number;
  orders: number;
  speed: number;
  scenarios: Record<string, number>;
  platforms: Record<string, number>;
  faults: FaultRecord[];
  durationMs: number;
  invariants: InvariantResult[];
  violations: number;
  notes: string[];
  /** The platform whose channel ran in shadow mode, null for an all-live day. */
  shadow: WorldPlatform | null;
}

const ADMIN_ENV = 'SIM_ADMIN_KEY';
const WAREHOUSE_ENV = 'SIM_WAREHOUSE_KEY';
const FINANCE_ENV = 'SIM_FINANCE_KEY';
/** The part of GET /api/orders/:key the invariants read. */
const OrderView = z.looseObject({
  runStatus: z.string().optional(),
  state: z.string().optional(),
  hold: z.looseObject({ reason: z.string() }).nullable().optional(),
  waybillNo: z.string().nullable().optional(),
  /** 'store' when the workflow could not answer and the hub answered from its store. */
  source: z.string().optional(),
  timeline: z.array(z.looseObject({ state: z.string(), at: z.string(), cause: z.string() })).optional(),
});
/** Timeline entries a violation's example shows (the last ones), so a report can be sorted without the hub. */
const TRAIL = 4;
type OrderView = z.output<typeof OrderView>;
const POLL_TRIGGER_MS = 2_000;
/** The drain never lasts longer than this, progress or not. */
const DRAIN_HARD_CAP_MS = 30 * 60_000;
/** Longest wait for the store to catch up with the workflows once the day drained. */
const STORE_CATCH_UP_MS = 60_000;
const CaseList = z.object({ items: z.array(z.looseObject({ type: z.string(), platformCaseId: z.string().nullable().optional() })) });
const TICK_MS = 250;
const FAST_QUOTA = { perApp: { perSecond: 200, burst: 200 }, perShop: { perSecond: 100, burst: 100 } };

function count<T>(items: readonly T[], by: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[by(i)] = (out[by(i)] ?? 0) + 1;
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One simulated shop day: the sandbox world, a real hub on Temporal and Redis wired to it, the
 * seeded orders played on the platforms, faults switched on and off, then the invariants checked
 * against what each sandbox recorded.
 */
export async function simulateDay(o: SimulateOptions): Promise<SimulationReport> {
  const started = Date.now();
  // Every wait of the day (placing, scripts, faults, the drain) ends at once when the run is
  // stopped, so the day unwinds through its cleanup below instead of running on.
  const pause = (ms: number): Promise<void> => delay(ms, undefined, o.signal ? { signal: o.signal } : {});
  const say = o.progress ?? (() => undefined);
  const shadow = o.shadow ?? null;
  if (shadow && o.databaseUrl === null) throw new Error(`simulate: shadow: the ${shadow} channel's writes are recorded in the order store, and this day runs without one (databaseUrl null)`);
  const dayMs = o.dayMs ?? Math.max(10_000, o.orders * 150);
  const plan = planDay(o.seed, o.orders, dayMs);
  const port = await freePort();
  const hubUrl = `http://127.0.0.1:${port}`;
  const world = await startSandboxWorld({ hubUrl, skus: plan.skus, courierDelays: { pickupMs: null, deliveryMs: null } });
  const notes: string[] = [];
  let hub: Hub | null = null;
  let worker: WorkerChild | null = null;
  let server: ServerType | null = null;
  // Started mid-day; a stopped day (the signal) must still end its timers, or the process lives on.
  let shopFloor: ReturnType<typeof startShopFloor> | null = null;
  let redis: OwnRedis | null = null;
  let pg: { url: string; process: ManagedProcess } | null = null;
  const scratch = await mkdtemp(path.join(tmpdir(), 'zhongshu-simday-'));
  try {
    if (!o.redisUrl) redis = await startOwnRedis(scratch);
    let databaseUrl = o.databaseUrl ?? undefined;
    if (o.databaseUrl === undefined) {
      const pgPort = await freePort();
      pg = await startEmbeddedHubPostgres({ dataDir: scratch, port: pgPort, logger: createLogger({ level: 'silent' }) });
      databaseUrl = pg.url;
    }
    if (!databaseUrl) notes.push('no order store: STORE_AGREES and FINANCE_AGREES not checked');
    const redisUrl = o.redisUrl ?? redis?.url;
    if (!redisUrl) throw new Error('simulate: no Redis');
    const id = randomUUID().slice(0, 8);
    const prefix = `sim${id}:`;
    const taskQueue = `sim-${id}`;
    const adminKey = randomUUID();
    const parts = world.hubConfig({ shipmentConfirm: o.shipmentConfirm ?? true, shadow });
    const warehouseKey = randomUUID();
    const financeKey = randomUUID();
    const env = { ...world.env, [ADMIN_ENV]: adminKey, [WAREHOUSE_ENV]: warehouseKey, [FINANCE_ENV]: financeKey };
    const raw = {
      server: { host: '127.0.0.1', port },
      temporal: { address: o.temporalAddress, taskQueue },
      redis: { url: redisUrl, keyPrefix: prefix },
      auth: {
        apiKeys: [
          { name: 'simulator', key: `\${${ADMIN_ENV}}`, roles: ['operations_lead'] },
          // The warehouse reports EMS handovers and deliveries (EMS pushes no routes; see CourierFloor).
          { name: 'sim-warehouse', key: `\${${WAREHOUSE_ENV}}`, roles: ['warehouse'] },
          // FINANCE_AGREES reads the reconciliation as finance does.
          { name: 'sim-finance', key: `\${${FINANCE_ENV}}`, roles: ['finance'] },
        ],
      },
      connectors: parts.connectors,
      channels: parts.channels,
      webhooks: parts.webhooks,
      // Every hold tells the WeCom robot (HOLDS_DECIDED counts the notices per order).
      lifecycle: { ...parts.lifecycle, onLockFailure: 'hold', notify: { '*': WORLD.connectors.wecom }, retry: { maximumAttempts: 3, initialIntervalMs: 200, backoffCoefficient: 2 } },
      // Buyers are synthetic: the frequency rule (level 2) is not what this day tests.
      rules: { risk: { maxOrdersPer24h: 100_000 }, remoteAreas: { carrier: 'EMS', surcharge: { minor: 1200, currency: 'CNY' }, districts: [REMOTE_DISTRICT.code] } },
      // Shop time runs faster, so do the platforms' published quotas (5 calls/s a shop would make
      // one incremental pull of a busy minute take longer than the simulated minute).
      resilience: { outageRetryMs: 1_000, rateLimits: { adapters: { taobao: FAST_QUOTA, pinduoduo: FAST_QUOTA } } },
      log: { level: o.logLevel ?? 'silent' },
    };
    const spec: SimHubSpec = { raw, env, speed: o.speed, temporalAddress: o.temporalAddress, redisUrl, ...(databaseUrl ? { databaseUrl } : {}), logLevel: o.logLevel ?? 'silent', ...(o.workflowBundle && 'codePath' in o.workflowBundle ? { workflowBundlePath: o.workflowBundle.codePath } : {}) };
    const config = simHubConfig(spec);
    const unpaidLockMs = unpaidLockMsAt(o.speed);
    const logger = createLogger({ level: config.log.level });
    // HTTP runs here. With faults on, the worker is a child process on the same task queue, so the
    // day can SIGKILL it mid-run while webhooks keep arriving (the worker-sigkill fault); without
    // faults nothing kills it, and it runs in this process (no second Node process to start).
    hub = await createHub(config, { logger, temporalAddress: o.temporalAddress, redisUrl, ...(databaseUrl ? { databaseUrl } : {}), env, processMetrics: false, worker: !o.faults, ...(o.faults || !o.workflowBundle ? {} : { workflowBundle: o.workflowBundle }) });
    await hub.start();
    const specFile = path.join(scratch, 'worker-spec.json');
    const workerLog = path.join(scratch, 'worker.log');
    const spawnWorker = () => startWorkerChild(spec, specFile, workerLog);
    if (o.faults) worker = await spawnWorker();
    const app = hub.app;
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
    });
    const pool = new InventoryPool(hub.redis, prefix);
    for (const s of plan.skus) await pool.setOnHand(WORLD.warehouse, s.sku, s.onHand);
    // Every platform that can hear of a shipment must, whatever the config says: a run with
    // shipmentConfirm off is expected to fail this invariant.
    const confirming = new Set<WorldPlatform>(WORLD_PLATFORMS.filter((p) => hub?.registry.supports(WORLD.connectors[p], CAPABILITY.SHIPMENT_CONFIRM)));
    say(`hub on ${hubUrl}, task queue ${taskQueue}; ${plan.orders.length} orders over ${Math.round(dayMs / 1000)} s; unpaid countdown ${Math.round(unpaidLockMs / 1000)} s`);

    const owners = new WaybillOwners(plan.orders);
    const auth = { authorization: `Bearer ${adminKey}` };
    const reportUnpushed: TrackingReporter = async (order, event, waybillNo, at) => {
      const res = await app.request(`/api/orders/${encodeURIComponent(order.key)}/tracking`, { method: 'POST', headers: { authorization: `Bearer ${warehouseKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ event, at, waybillNo }) });
      if (res.status >= 300) throw new Error(`${order.key}: tracking ${event} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    };
    const parcelDelays = { pickupMs: 1_500, deliveryMs: 1_500 };
    const floor = new CourierFloor(world, owners, parcelDelays, reportUnpushed);
    const hubNow = hub;
    const recorder = shadow && hubNow.orders ? new ShadowRecorder(hubNow.orders.db) : null;
    if (shadow && !recorder) throw new Error(`simulate: shadow: the hub has no order store to record the ${shadow} channel's writes in`);
    const shadowFloor = shadow && recorder ? new ShadowFloor(recorder, WORLD.channels[shadow], plan.orders.filter((x) => x.platform === shadow), floor, parcelDelays, reportUnpushed) : null;
    if (shadow) say(`${WORLD.channels[shadow]} runs in shadow mode: its writes are recorded, not sent`);
    const orderView = async (key: string): Promise<{ status: number; body: OrderView | null }> => {
      const res = await app.request(`/api/orders/${encodeURIComponent(key)}`, { headers: auth });
      const body = OrderView.safeParse(await res.json().catch(() => null));
      return { status: res.status, body: body.success ? body.data : null };
    };
    // The run's status from Temporal itself: a query (GET /api/orders/:key) needs a worker, which a
    // loaded day may keep busy past the read's deadline; that is not an order that never started.
    const statusOf = async (key: string): Promise<string | null> => {
      try {
        return (await hubNow.client.workflow.getHandle(workflowIdFor(key)).describe()).status.name;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return null;
        // Neither the query nor Temporal answered: the report says so rather than guessing.
        return `UNREADABLE (${errorMessage(err).slice(0, 120)})`;
      }
    };
    const resultOf = async (key: string): Promise<OrderView | null> => {
      try {
        const r = OrderView.safeParse(await hubNow.client.workflow.getHandle(workflowIdFor(key)).result());
        return r.success ? { ...r.data, runStatus: 'COMPLETED' } : null;
      } catch {
        return null;
      }
    };
    const failureOf = async (key: string): Promise<string> => {
      try {
        await hubNow.client.workflow.getHandle(workflowIdFor(key)).result();
        return 'completed';
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause : null;
        return cause ? `${cause.message}${cause.cause instanceof Error ? `: ${cause.cause.message}` : ''}` : errorMessage(err);
      }
    };
    const refundedAfterPickup = new Set<string>();
    const decisions = new DecisionQueue(hubNow.redis, prefix);
    const ctx: ScriptContext = {
      world,
      floor,
      unpaidLockMs,
      sleep: pause,
      async until(pred, timeoutMs, everyMs = 300) {
        const end = Date.now() + timeoutMs;
        while (Date.now() < end) {
          // A read that fails (Redis restarting, the hub busy) is "not yet", not the end of the script.
          if (await Promise.resolve().then(pred).catch(() => false)) return true;
          await pause(everyMs);
        }
        return false;
      },
      hubHas: async (key) => (await orderView(key)).status === 200,
      hubStopped: async (key) => {
        const status = await statusOf(key);
        return (status !== null && status !== 'RUNNING' && !status.startsWith('UNREADABLE')) || (await decisions.get(key)) !== undefined;
      },
      holdState: async (key) => (await pool.hold(WORLD.warehouse, `order:${key}:lock-0`))?.state ?? null,
      hubState: async (key) => {
        const v = await orderView(key);
        return v.status === 200 && v.body?.source !== 'store' ? (v.body?.state ?? null) : null;
      },
      hubCases: async (key) => {
        const res = await app.request(`/api/after-sales?orderKey=${encodeURIComponent(key)}`, { headers: auth });
        const body = CaseList.safeParse(await res.json().catch(() => null));
        return body.success ? body.data.items : [];
      },
      refundedAfterPickup,
      async hubCancel(key, cause) {
        const res = await app.request(`/api/orders/${encodeURIComponent(key)}/cancel`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ cause, confirm: true }) });
        return res.status;
      },
      note: (l) => notes.push(l),
      shadow: shadowFloor,
    };

    // The shadow floor's reports finish inside its tick: only the courier floor leaves moves under way.
    const floors = {
      async tick() {
        await floor.tick();
        await shadowFloor?.tick();
      },
      idle: () => floor.idle(),
    };
    shopFloor = startShopFloor({ client: hubNow.client, taskQueue, floor: floors, pool, pollEveryMs: POLL_TRIGGER_MS, tickMs: TICK_MS, onError: (l) => notes.push(l) });
    const minAvailable = shopFloor.minAvailable;

    const faults: FaultRecord[] = [];
    const faultPlay = o.faults
      ? (async () => {
          await pause(dayMs * 0.25);
          const from = Date.now() - started;
          world.wdt.server.setFaults({ mode: SANDBOX_FAULT.GATEWAY_TIMEOUT });
          say('fault: Wangdiantong answers 504 to everything');
          await pause(Math.max(4_000, dayMs * 0.15));
          world.wdt.server.setFaults({ mode: SANDBOX_FAULT.NONE });
          faults.push({ name: 'wms-504-storm', fromMs: from, toMs: Date.now() - started, detail: 'Wangdiantong: every request answered 504 Gateway Timeout' });
          await pause(dayMs * 0.15);
          const at = Date.now() - started;
          world.taobao.failNext(TOP_ERRORS.APP_CALL_LIMITED, { times: 4 });
          world.pinduoduo.server.setFaults({ mode: SANDBOX_FAULT.RATE_LIMITED, retryAfterSeconds: 1, remaining: 4 });
          say('fault: Taobao answers App Call Limited, Pinduoduo 429, four calls each');
          faults.push({ name: 'platform-429-burst', fromMs: at, toMs: null, detail: 'Taobao: next 4 calls TOP code 7 App Call Limited; Pinduoduo: next 4 requests HTTP 429' });
          await pause(dayMs * 0.1);
          const down = Date.now() - started;
          const killed = worker?.pid;
          say(`fault: the worker process (pid ${killed}) is SIGKILLed; a new one starts 2 s later`);
          await worker?.kill();
          worker = null;
          await pause(2_000);
          worker = await spawnWorker();
          faults.push({ name: 'worker-sigkill', fromMs: down, toMs: Date.now() - started, detail: `worker process pid ${killed} killed with SIGKILL (no drain); a new worker process (pid ${worker.pid}) polled the task queue again` });
          await pause(dayMs * 0.1);
          if (!redis) {
            notes.push('redis-restart not played: the day runs on a Redis it was given (REDIS_URL), not its own');
            return;
          }
          const redisDown = Date.now() - started;
          say('fault: redis-server stops and starts again on the same port and data directory');
          await redis.restart(2_000);
          faults.push({ name: 'redis-restart', fromMs: redisDown, toMs: Date.now() - started, detail: `redis-server on ${redis.url} stopped (SIGTERM, append-only file kept) and started again 2 s later on the same port and data directory` });
        })()
      : Promise.resolve();

    const scripts: Promise<void>[] = [];
    const dayStart = Date.now();
    for (const order of plan.orders) {
      const wait = dayStart + order.atMs - Date.now();
      if (wait > 0) await pause(wait);
      scripts.push(
        playOrder(ctx, order).catch((err: unknown) => {
          notes.push(`${order.key} (${order.scenario}): script failed: ${errorMessage(err)}`);
        }),
      );
    }
    say(`all ${plan.orders.length} orders placed; waiting for the platforms' last words`);
    await Promise.all(scripts);
    await faultPlay;

    say('draining: waiting for every order to settle');
    // The drain lasts as long as the hub makes progress: it ends when everything settled, or when
    // nothing settled for `drainTimeoutMs` (a stuck order), or at the hard cap. A fixed deadline
    // ended a loaded box's day while the hub was still working through it.
    const stallMs = o.drainTimeoutMs ?? 120_000;
    const hardEnd = Date.now() + Math.max(stallMs, DRAIN_HARD_CAP_MS);
    let fewest = Infinity;
    let progressAt = Date.now();
    // Each round asks Temporal (describe, no worker needed) for the runs not yet completed; a
    // query per order every second kept the worker, the bottleneck of a loaded day, busy answering.
    const completed = new Set<string>();
    for (;;) {
      const pending = new Map((await decisions.list()).map((d) => [d.orderKey, d.reason]));
      const unsettled: string[] = [];
      await forEachLimited(plan.orders.filter((x) => !completed.has(x.key)), VIEW_CONCURRENCY, async (x) => {
        const status = await statusOf(x.key);
        if (status === 'COMPLETED') completed.add(x.key);
        else if (!(status === 'RUNNING' && pending.has(x.key))) unsettled.push(x.key);
      });
      const open = unsettled;
      // Parcels still at the courier keep moving; wait for them too.
      const moving = allWaybills(world, (w) => w.status === 'live' && w.stage !== 'delivered' && owners.owner(w) !== undefined && !floor.heldBack.has(owners.owner(w)?.key ?? '')).length;
      if (open.length === 0 && moving === 0) break;
      if (open.length + moving < fewest) {
        fewest = open.length + moving;
        progressAt = Date.now();
      }
      if (Date.now() - progressAt > stallMs || Date.now() > hardEnd) {
        notes.push(`drain ended with ${open.length} order(s) unsettled and ${moving} parcel(s) moving: ${Date.now() > hardEnd ? `hard cap of ${DRAIN_HARD_CAP_MS / 60_000} min` : `nothing settled for ${Math.round(stallMs / 1000)} s`}`);
        break;
      }
      await pause(1_000);
    }
    const views = await hubViews(plan.orders, orderView, statusOf, decisions, failureOf, resultOf);
    await shopFloor.stop();

    // The hub's own bookkeeping first, then after the WMS's reading (what the shop's stock-sync
    // schedule does every few minutes): an intercept gives units back only with that reading.
    const unreconciled = await pool.snapshot(WORLD.warehouse);
    // The shadow platform hears the day's stock (a push it must never receive: the recorder takes it).
    const stockSyncId = `sim-final-stock-sync-${id}`;
    const pushTo = shadow && hubNow.registry.supports(WORLD.connectors[shadow], CAPABILITY.INVENTORY_PUSH) ? [WORLD.connectors[shadow]] : [];
    try {
      await hubNow.client.workflow.execute('stockSync', { taskQueue, workflowId: stockSyncId, args: [{ warehouse: WORLD.warehouse, wms: WORLD.connectors.wdt, platforms: pushTo, skus: [] }], workflowExecutionTimeout: '2 minutes' });
    } catch (err) {
      notes.push(`final WMS stock reading failed: ${errorMessage(err)}`);
    }
    const snapshot = await pool.snapshot(WORLD.warehouse);
    const closedWithLock: string[] = [];
    for (const order of plan.orders) {
      // A finished run (completed, failed, terminated) must not keep stock locked.
      const status = views.get(order.key)?.runStatus;
      if (status === 'RUNNING' || status === null || status === undefined) continue;
      for (let n = 0; n <= 4; n++) {
        const h = await pool.hold(WORLD.warehouse, `order:${order.key}:lock-${n}`);
        if (h?.state === 'locked' || h?.state === 'handed') closedWithLock.push(order.key);
      }
    }
    const notices = noticesByOrder(world.wecom.state().messages, plan.orders.map((o) => o.key));
    const robot = world.wecom.state().counts;
    notes.push(`wecom robot: ${robot.accepted} message(s) accepted, ${robot.refused} refused; ${[...notices.values()].reduce((a, l) => a + l.length, 0)} name a planned order`);
    const cases = new Map<string, { type: string }[]>();
    for (const order of plan.orders) if (order.scenario === SCENARIO.REFUND_AFTER_PICKUP) cases.set(order.key, await ctx.hubCases(order.key));
    const stored = hubNow.orders ? await storeViews(hubNow.orders, plan.orders, views, async (keys) => {
      // The store is written by an activity beside the steps, a moment behind the workflow: an order
      // that disagrees is read again (both sides) while the store still catches up, never for longer than STORE_CATCH_UP_MS.
      const fresh = await hubViews(plan.orders.filter((x) => keys.has(x.key)), orderView, statusOf, decisions, failureOf, resultOf);
      for (const [k, v] of fresh) views.set(k, v);
    }) : undefined;
    o.beforeCheck?.(world);
    const invariants = checkInvariants({
      world,
      orders: plan.orders,
      owners,
      hub: views,
      confirming,
      notices,
      cases,
      refundedAfterPickup,
      shadowPlatform: shadow,
      ...(stored ? { store: stored } : {}),
      stock: {
        initial: Object.fromEntries(plan.skus.map((s) => [s.sku, s.onHand])),
        final: Object.fromEntries(snapshot.map((s) => [s.sku, { onHand: s.onHand, locked: s.locked, available: s.available }])),
        beforeReading: Object.fromEntries(unreconciled.map((s) => [s.sku, s.onHand])),
        minAvailable,
        closedWithLock,
      },
    });
    if (shadow && recorder) {
      const channel = WORLD.channels[shadow];
      const writes = await recorder.list({ channel });
      const byCapability = count(writes, (w) => w.capability);
      notes.push(`shadow ${channel}: ${writes.length} write(s) recorded (${Object.entries(byCapability).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`);
      invariants.push(...checkShadow({ world, platform: shadow, orders: plan.orders, owners, hub: views, writes, confirming: confirming.has(shadow), stockPush: pushTo.length ? { workflowId: stockSyncId } : null }));
    }
    const finance = hubNow.orders ? await checkFinance({ world, request: (p, init) => app.request(p, init), authorization: `Bearer ${financeKey}`, utcOffset: config.finance.utcOffset, dayStartedAt: new Date(started), catchUpMs: STORE_CATCH_UP_MS, whileWaiting: () => pollPulledShops(hubNow.client, taskQueue, notes) }) : financeNotChecked();
    invariants.push(finance.result);
    notes.push(...finance.notes);
    return {
      seed: o.seed,
      orders: o.orders,
      speed: o.speed,
      scenarios: count(plan.orders, (x) => x.scenario),
      platforms: count(plan.orders, (x) => x.platform),
      faults,
      durationMs: Date.now() - started,
      invariants,
      violations: invariants.reduce((a, i) => a + i.violated, 0),
      notes,
      shadow,
    };
  } finally {
    await shopFloor?.stop().catch(() => undefined);
    if (server) {
      const s = server;
      await new Promise<void>((r) => s.close(() => r()));
    }
    await worker?.stop().catch(() => undefined);
    await hub?.stop().catch(() => undefined);
    await world.close();
    await redis?.stop().catch(() => undefined);
    await pg?.process.stop().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Orders asked at once while reading the hub's view of the day. */
const VIEW_CONCURRENCY = 16;

/** Runs `each` over `items`, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const slot = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await each(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, slot));
}

async function hubViews(orders: readonly PlannedOrder[], view: (key: string) => Promise<{ status: number; body: OrderView | null }>, statusOf: (key: string) => Promise<string | null>, decisions: DecisionQueue, failureOf: (key: string) => Promise<string>, resultOf: (key: string) => Promise<OrderView | null>): Promise<Map<string, HubView>> {
  const pending = new Map((await decisions.list()).map((d) => [d.orderKey, d.reason]));
  const out = new Map<string, HubView>();
  // Temporal itself (describe) says how each run stands, and a completed run's result is its final
  // state: neither needs the worker. Only running orders are asked through GET /api/orders/:key
  // (a workflow query), whose 5 s deadline a busy worker can miss: the hub then answers from its
  // store (runStatus UNKNOWN), which counts as not read live.
  await forEachLimited(orders, VIEW_CONCURRENCY, async (o) => {
    const status = await statusOf(o.key);
    let body: OrderView | null = null;
    let runStatus = status;
    if (status === 'COMPLETED') body = await resultOf(o.key);
    else if (status !== null) {
      const v = await view(o.key);
      if (v.status === 200 && v.body) {
        body = v.body;
        if (v.body.source !== 'store') runStatus = v.body.runStatus ?? status;
      }
    }
    const live = body !== null && body.source !== 'store';
    const failure = runStatus === 'FAILED' ? await failureOf(o.key) : null;
    const trail = (body?.timeline ?? []).slice(-TRAIL).map((t) => `${t.at.slice(11, 23)} ${t.state}: ${t.cause.slice(0, 120)}`).join(' | ');
    out.set(o.key, { runStatus, state: body?.state ?? null, decision: pending.get(o.key) ?? null, holdReason: body?.hold?.reason ?? null, waybillNo: body?.waybillNo ?? null, live, trail, ...(failure ? { failure } : {}) });
  });
  return out;
}

/**
 * The store's row of every order the hub knows. Orders whose row disagrees with the workflow are
 * read again (`refresh` re-reads their workflows) every second while the store may still be
 * catching up, for at most STORE_CATCH_UP_MS.
 */
async function storeViews(store: OrderStore, orders: readonly PlannedOrder[], views: Map<string, HubView>, refresh: (keys: Set<string>) => Promise<void>): Promise<Map<string, StoredView | null>> {
  const out = new Map<string, StoredView | null>();
  const read = async (keys: readonly string[]) => {
    for (const key of keys) {
      const row = await store.read(workflowIdFor(key));
      out.set(key, row ? { state: row.state, waybillNo: row.waybillNo } : null);
    }
  };
  await read(orders.map((x) => x.key));
  const end = Date.now() + STORE_CATCH_UP_MS;
  const disagree = () => new Set(orders.filter((x) => { const v = views.get(x.key); const r = out.get(x.key); return v?.runStatus !== null && (r === null || r === undefined || r.state !== v?.state || r.waybillNo !== (v?.waybillNo ?? null)); }).map((x) => x.key));
  let left = disagree();
  while (left.size > 0 && Date.now() < end) {
    await sleep(1_000);
    await refresh(left);
    await read([...left]);
    left = disagree();
  }
  return out;
}

/** One poll of each shop whose after-sales the hub pulls: their refunds reach finance through the cases it opens. */
async function pollPulledShops(client: Client, taskQueue: string, notes: string[]): Promise<void> {
  for (const ch of [WORLD.channels.taobao, WORLD.channels.pinduoduo]) {
    try {
      await pollNow(client, pollScheduleId(ch, taskQueue));
    } catch (err) {
      notes.push(`finance catch-up: poll of ${ch} not started: ${errorMessage(err)}`);
    }
  }
}
