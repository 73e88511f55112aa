import { Client } from '@temporalio/client';
import { dailyShadowSummary } from './shadow/compare/daily.js';
import { GracefulShutdownPeriodExpiredError, NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { Redis } from 'ioredis';
import path from 'node:path';
import { createWorkerActivities } from './activities/worker.js';
import { CaseJoins } from './after-sales/joins.js';
import { CaseIntake } from './after-sales/intake.js';
import { CaseStore } from './after-sales/store.js';
import { openCasesByAge, registerCaseMetrics } from './after-sales/metrics.js';
import { SignatureGuard } from './http/signature-guard.js';
import type { HubConfig } from './config/schema.js';
import { apiKeysFromConfig } from './http/auth.js';
import { createApp, type HubApp } from './http/app.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { OrderIntake } from './intake/order-intake.js';
import { createLogger, type Logger } from './logger.js';
import { MappingEngine } from './mapping/engine.js';
import { purgeRawPayloads, RawPayloadRecorder } from './store/db/raw-payloads.js';
import { OrderStore } from './store/db/order-store.js';
import { historyUrlFor } from './temporal/history-url.js';
import { QuarantineStore } from './store/quarantine.js';
import { lazyTemporalConnection } from './temporal/connection.js';
import { ensureSearchAttributes } from './temporal/search-attributes.js';
import { loadCarrierCodes } from './lifecycle/carrier-codes.js';
import { channelLifecycleSettings, lifecycleSettings } from './lifecycle/settings.js';
import { ensureSchedules } from './temporal/schedules.js';
import { ensureLegacyErpSchedules, legacyErpPolls } from './legacy-erp/schedules.js';
import { PollCursorStore } from './polling/cursor.js';
import { ensurePollSchedules, pollTargets } from './polling/schedules.js';
import { AdapterRegistry } from './sdk/registry.js';
import { BUILTIN_ADAPTERS } from '../adapters/index.js';
import { DecisionQueue } from './store/decisions.js';
import { registerStateMetrics } from './http/state-metrics.js';
import { errorMessage } from './util/errors.js';
import { createResilience, limiterConnectors } from './resilience/index.js';
import { rateLimitSummary, temporalSchedules } from './http/status-sources.js';
import { packageRoot, packageVersion, workflowsPath } from './util/package-info.js';
import { drainWithin } from './util/drain.js';
import { NotificationRouter } from './notify/router.js';
import { createTrackingRobot } from './tracking/robot.js';
import { ensureRobotSchedules } from './tracking/schedules.js';
import { requireHubAddresses, serviceAddresses } from './config/addresses.js';

/** After the drain, how long cancelled activities get to report before the worker is abandoned. */
const CANCELLED_ACTIVITY_GRACE_MS = 5_000;

/** The worker options config sets; each one unset keeps the SDK's default. */
function workerTuning(w: HubConfig['temporal']['worker']): Partial<WorkerOptions> {
  const poller = (maximum: number | undefined) => (maximum === undefined ? undefined : { type: 'simple-maximum' as const, maximum });
  return {
    maxCachedWorkflows: w.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: w.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: w.maxConcurrentActivityTaskExecutions,
    workflowThreadPoolSize: w.workflowThreadPoolSize,
    workflowTaskPollerBehavior: poller(w.workflowTaskPollers),
    activityTaskPollerBehavior: poller(w.activityTaskPollers),
  };
}

export interface HubOptions {
  logger?: Logger;
  /** Pre-built workflow bundle (tests build it once); default: bundle workflows/ at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Run a worker in this process (default true). `zhongshu start --role http` sets false. */
  worker?: boolean;
  /** Include Node process metrics in /metrics (default true). */
  processMetrics?: boolean;
  /** Addresses that win over the config's (the CLI passes the environment's or its embedded services'); see serviceAddresses. */
  temporalAddress?: string;
  redisUrl?: string;
  /** The order store's PostgreSQL URL (default: database.url). Absent everywhere: the hub runs without a store. */
  databaseUrl?: string;
  /** The Temporal web UI (default: temporal.uiUrl), for links to an order's history. */
  temporalUiUrl?: string | null;
  /** Where relative partner-adapter paths in config resolve from (default: the working directory). */
  configDir?: string;
  /** Environment for connector secrets (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Create the stock-sync and lock-expiry schedules (with the lifecycle on) and the per-shop poll schedules at start (default true). */
  schedules?: boolean;
  /** fetch used by adapters and hooks (tests may pass one that records). */
  fetch?: typeof fetch;
}

export interface Hub {
  app: HubApp;
  config: HubConfig;
  client: Client;
  redis: Redis;
  mappings: MappingEngine;
  metrics: Metrics;
  logger: Logger;
  registry: AdapterRegistry;
  /** The notification router (src/notify): `notify({event, key, vars})` from code outside workflows. */
  notifications: NotificationRouter;
  /** The order store; null when no database is configured. */
  orders: OrderStore | null;
  /** The in-process worker; null when this hub runs HTTP only. */
  worker: { readonly state: string } | null;
  /** Starts the worker polling (returns once it runs). */
  start(): Promise<void>;
  /**
   * Drains the worker for at most `shutdown.drainMs` (or until `drainUntil`, epoch ms, when a
   * caller already spent part of the budget), then closes Redis and Temporal connections. Safe to
   * call during any outage and more than once.
   */
  stop(opts?: { drainUntil?: number }): Promise<void>;
}

/**
 * Builds a hub from config: the hono app, a Temporal client and worker, Redis, the mapping engine.
 * Does not listen on a port: mount `hub.app.fetch` in an existing server, or use `zhongshu start`.
 */
export async function createHub(config: HubConfig, opts: HubOptions = {}): Promise<Hub> {
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const addresses = serviceAddresses(config, opts);
  const { temporalAddress, redisUrl } = requireHubAddresses(addresses);

  const mappingsDir = path.isAbsolute(config.mappings.dir) ? config.mappings.dir : path.resolve(config.mappings.dir);
  // Each platform's code for each courier, for shipment confirmations; a broken table fails the start.
  const carrierCodes = await loadCarrierCodes(mappingsDir);
  const mw = config.mappings.workers;
  const mappings = new MappingEngine({
    dir: mappingsDir,
    logger,
    limits: { timeoutMs: config.mappings.timeoutMs, maxDepth: config.mappings.maxDepth, maxSequence: config.mappings.maxSequence },
    ...(mw.enabled
      ? { pool: { lanes: { default: { threads: mw.threads, queue: mw.queue }, dryRun: { threads: mw.dryRunThreads, queue: mw.dryRunQueue } }, deadlineMs: mw.deadlineMs, workerMemoryMb: mw.memoryMb } }
      : {}),
  });
  const loadErrors = await mappings.loadAll();
  for (const ch of config.channels) {
    if (!mappings.has(ch.mapping)) {
      throw new Error(`channel ${ch.id}: mapping ${ch.mapping} is not available${loadErrors.get(ch.mapping) ? ` (${loadErrors.get(ch.mapping)})` : ` in ${mappingsDir}`}`);
    }
  }
  if (config.mappings.hotReload) mappings.watch();

  // Fail fast while disconnected instead of queueing: callers decide what an outage means.
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (n) => Math.min(200 * n, 2000), lazyConnect: true });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));
  try {
    await redis.connect();
  } catch (err) {
    logger.warn({ err: errorMessage(err) }, 'Redis not reachable yet; the hub will keep trying');
  }

  // Lazy: the hub comes up (and /readyz says why it is not ready) even when Temporal is down.
  const temporal = lazyTemporalConnection({ address: temporalAddress, connectTimeoutMs: 2000 });
  const { connection } = temporal;
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const searchAttributes = await ensureSearchAttributes(client, config.temporal.namespace, logger);

  // Adapters: built-ins and partner modules registered explicitly; connector configs checked now.
  const registry = new AdapterRegistry({ logger, fetch: opts.fetch ?? fetch, mappings, now: () => new Date() }, opts.env ?? process.env);
  for (const def of BUILTIN_ADAPTERS) registry.register(def);
  for (const m of config.adapters.modules) await registry.registerModule(m, opts.configDir ?? process.cwd());
  registry.configure(config.connectors);
  // Polling config checked now (a window above the platform's limit, a field an ERP channel would
  // ignore, two channels on one ERP's cursor fail the start, not a run).
  const polled = pollTargets(config, registry);
  await legacyErpPolls(config, registry);

  const metrics = createMetrics({ defaultMetrics: opts.processMetrics ?? true });
  const prefix = config.redis.keyPrefix;
  // One set of breakers, last-known-good cache and rate limiter per hub, shared by its activities.
  const resilience = createResilience({ config: config.resilience, redis, keyPrefix: prefix, logger, registry: metrics.registry, connectors: limiterConnectors(registry) });
  // Every message the hub sends to people goes through one router: routes, exactly once, rate limits.
  const notifications = new NotificationRouter({ redis, keyPrefix: prefix, config: config.notifications, registry, logger, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const robot = createTrackingRobot({ redis, keyPrefix: prefix, config: config.tracking, registry, temporal: client, router: notifications, logger });
  registerStateMetrics(metrics.registry, { client, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, decisions: new DecisionQueue(redis, prefix), cursors: new PollCursorStore(redis, prefix), polledChannels: polled.map((t) => t.channel.id), logger });
  const quarantine = new QuarantineStore(redis, prefix, { retentionSeconds: config.quarantine.retentionDays * 24 * 3600 });
  const { databaseUrl } = addresses;
  // Migrations run at every start; a database that is down fails the start (the store is not optional once configured).
  const orders = databaseUrl ? await OrderStore.open({ url: databaseUrl, schema: config.database.schema, poolSize: config.database.poolSize, phoneHashKey: config.database.phoneHashKey, logger }) : null;
  if (!orders) logger.warn('no order store (database.url / DATABASE_URL unset): order search is off');
  const settings = lifecycleSettings(config, registry);
  const rawCfg = config.database.rawPayloads;
  const rawPayloads = orders && rawCfg.enabled ? new RawPayloadRecorder(orders.db, { logger }) : null;
  // Purged on a schedule rather than per insert: one indexed delete an hour keeps intake's inserts plain.
  const purgeRaw = () => {
    if (!orders || !rawCfg.enabled) return;
    purgeRawPayloads(orders.db, new Date(Date.now() - rawCfg.retentionDays * 86_400_000)).then(
      (n) => n && logger.info({ purged: n, retentionDays: rawCfg.retentionDays }, 'raw payloads past retention purged'),
      (err: unknown) => logger.warn({ err: errorMessage(err) }, 'raw payload purge failed; retried next hour'),
    );
  };
  purgeRaw();
  const purgeTimer = setInterval(purgeRaw, 3_600_000);
  purgeTimer.unref();
  const intake = new OrderIntake({
    temporal: client,
    taskQueue: config.temporal.taskQueue,
    searchAttributes,
    redis,
    keyPrefix: prefix,
    mappings,
    quarantine,
    metrics,
    logger,
    dedupeTtlSeconds: config.webhooks.dedupeTtlSeconds,
    startDeadlineMs: config.resilience.temporalStartDeadlineMs,
    settings,
    channelSettings: channelLifecycleSettings(config, settings, registry),
    projection: orders !== null,
    ...(orders ? { projectedSeq: async (workflowId: string) => (await orders.read(workflowId))?.seq ?? null } : {}),
    rawPayloads,
  });

  const caseStore = new CaseStore(redis, prefix);
  const cases = {
    intake: new CaseIntake({ temporal: client, taskQueue: config.temporal.taskQueue, logger, joins: { store: new CaseJoins(redis, prefix), caseKeysOfOrder: (orderKey) => caseStore.ofOrder(orderKey) } }),
    store: caseStore,
  };
  registerCaseMetrics(metrics.registry, () => cases.store.all(), config.afterSales.slaHours);
  const signatureGuard = new SignatureGuard(config.webhooks.signatureFailures, logger);
  const app = createApp({
    cases,
    signatureGuard,
    config,
    logger,
    metrics,
    temporal: client,
    intake,
    mappings,
    quarantine,
    orders,
    ...(orders ? { financeSource: orders.financeSource() } : {}),
    historyUrl: (id) => historyUrlFor(opts.temporalUiUrl ?? config.temporal.uiUrl ?? null, config.temporal.namespace, id),
    decisions: new DecisionQueue(redis, prefix),
    redis,
    registry,
    resilience,
    trackingPush: (records) => robot.applyPushed(records),
    apiKeys: apiKeysFromConfig(config.auth.apiKeys),
    status: { breakers: resilience.breakers, cursors: new PollCursorStore(redis, prefix), polledChannels: polled.map((t) => t.channel.id), notifications, schedules: () => temporalSchedules(client, config.temporal.taskQueue), rateLimits: () => rateLimitSummary(metrics.registry) },
    version: packageVersion(),
    probes: [
      {
        name: 'temporal',
        check: async () => {
          await connection.withDeadline(Date.now() + 1500, () => connection.workflowService.describeNamespace({ namespace: config.temporal.namespace }));
        },
      },
      {
        name: 'redis',
        check: async () => {
          if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
          await redis.ping();
        },
      },
    ],
  });

  let worker: Worker | null = null;
  let nativeConnection: NativeConnection | null = null;
  let running: Promise<void> | null = null;
  let stopped: Promise<void> | null = null;

  const stop = async (drainUntil: number) => {
    logger.info({ drainMs: Math.max(0, drainUntil - Date.now()) }, 'hub stopping: draining in-flight work');
    // Temporal calls from here on fail to their callers instead of retrying on a timer.
    temporal.stopRetrying();
    // Starts from here on go through the hub's client: the worker's connection closes below.
    intake.useEagerStarts(null);
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    const w = worker;
    if (w && running) {
      const drained = await drainWithin(running, drainUntil - Date.now());
      if (!drained) {
        const status = w.getStatus();
        logger.warn(
          { drainMs: config.shutdown.drainMs, activities: status.numInFlightActivities, workflowTasks: status.numInFlightWorkflowActivations },
          'shutdown drain bound reached: in-flight activities are cancelled and left to Temporal, which retries them on a running worker',
        );
        await running;
      }
    }
    await nativeConnection?.close();
    await mappings.close();
    await registry.close();
    resilience.shutdown();
    signatureGuard.stop();
    await temporal.close();
    clearInterval(purgeTimer);
    await rawPayloads?.close();
    await orders?.close();
    redis.disconnect();
    logger.info('hub stopped');
  };

  const hub: Hub = {
    app,
    config,
    client,
    redis,
    mappings,
    metrics,
    logger,
    registry,
    notifications,
    orders,
    get worker() {
      return worker ? { state: worker.getState() } : null;
    },
    async start() {
      if (opts.worker === false || worker) return;
      nativeConnection = await NativeConnection.connect({ address: temporalAddress });
      worker = await Worker.create({
        connection: nativeConnection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        // Activities get the drain to finish; then they are cancelled and Temporal retries them.
        shutdownGraceTime: config.shutdown.drainMs,
        // An activity that ignores its cancellation cannot hold the stop forever.
        shutdownForceTime: config.shutdown.drainMs + CANCELLED_ACTIVITY_GRACE_MS,
        ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
        ...workerTuning(config.temporal.worker),
        activities: createWorkerActivities({
          afterSales: { redis, keyPrefix: prefix, logger, config },
          afterSalesPull: { channels: config.channels, registry, mappings, cases: cases.intake, logger, resilience, seen: intake },
          wmsReturns: { temporal: client, redis, keyPrefix: prefix, registry, channels: config.channels, cases: cases.store, logger, wms: config.afterSales.returns.wms },
          polling: { channels: config.channels, registry, mappings, intake, cursors: new PollCursorStore(redis, prefix), metrics, logger, resilience, notifications },
          order: {
            redis,
            keyPrefix: prefix,
            logger,
            registry,
            mappings,
            rules: config.rules,
            warehouse: config.lifecycle.warehouse,
            pickupHookUrl: config.lifecycle.pickupHookUrl,
            resilience,
            intake,
            channels: config.channels,
            carrierCode: (platform, courier) => carrierCodes.carrierCodeFor(platform, courier),
            orderStore: orders,
            ...(opts.fetch ? { fetch: opts.fetch } : {}),
            notifications,
            onWaybillIssued: async (w) => {
              const shipperCode = config.tracking.enabled ? robot.shipperCodeOf(w.connector) : null;
              if (shipperCode) await robot.register({ waybillNo: w.waybillNo, workflowId: w.workflowId, shipperCode });
            },
          },
          tracking: robot,
          notify: {
            // The same read model the case list and gauges use (newest 5,000 cases).
            openCasesByAge: async () => openCasesByAge(await cases.store.recent(5000), Date.now()),
            shadowSummary: dailyShadowSummary({ store: orders?.db ?? null, engine: mappings, channels: config.channels, config: config.shadow }),
            router: notifications,
            config: config.notifications,
            redis,
            keyPrefix: prefix,
            logger,
            temporal: client,
            taskQueue: config.temporal.taskQueue,
            channels: config.channels,
            decisions: new DecisionQueue(redis, prefix),
            parcels: robot.store,
            breakers: resilience.breakers,
          },
        }),
      });
      const w = worker;
      running = w.run().catch((err: unknown) => {
        if (err instanceof GracefulShutdownPeriodExpiredError) logger.warn('worker abandoned: activities that ignored their cancellation are left to Temporal');
        else logger.error({ err: errorMessage(err) }, 'worker stopped with an error');
      });
      // Eager start needs the worker's own connection: the SDK hands the returned task to a worker on it.
      if (config.temporal.eagerStart) intake.useEagerStarts(new Client({ connection: nativeConnection, namespace: config.temporal.namespace }));
      logger.info({ taskQueue: config.temporal.taskQueue, root: packageRoot(), eagerStart: config.temporal.eagerStart }, 'worker running');
      if (config.lifecycle.enabled && opts.schedules !== false) await ensureSchedules(client, config, logger);
      // ERP polls run whether or not the lifecycle is on: they feed the intake.
      if (opts.schedules !== false) await ensureLegacyErpSchedules(client, config, registry, logger);
      if (opts.schedules !== false) await ensurePollSchedules(client, config, registry, logger);
      if (opts.schedules !== false) await ensureRobotSchedules(client, config, logger);
    },
    stop(o = {}) {
      stopped ??= stop(o.drainUntil ?? Date.now() + config.shutdown.drainMs);
      return stopped;
    },
  };
  return hub;
}
