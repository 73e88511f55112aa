import { serve, type ServerType } from '@hono/node-server';
import path from 'node:path';
import { ConfigError, loadConfigFile } from './config/load.js';
import { startEmbeddedRedis, startEmbeddedTemporal } from './embedded/services.js';
import { startEmbeddedHubPostgres } from './embedded/hub-postgres.js';
import { redactDatabaseUrl } from './store/db/connect.js';
import type { ManagedProcess } from './embedded/process.js';
import { createHub } from './hub.js';
import { createLogger } from './logger.js';
import { installTemporalLogger } from './temporal/runtime-logger.js';
import { sdkMetricsAddressFromEnv } from './temporal/sdk-metrics.js';
import { demoChannel, sendDemoTraffic } from './cli/demo.js';
import { drainWithin } from './util/drain.js';
import { errorMessage } from './util/errors.js';
import type { SandboxWorld } from './sandbox/world.js';
import { wireSandboxWorld } from './simulate/wire.js';
import { startOrderGenerator, stockDemoPool } from './simulate/demo.js';
import { createMetricsApp, metricsPortFromEnv } from './http/metrics-app.js';
import { CONSOLE_PATH } from './http/console.js';
import { serviceAddresses } from './config/addresses.js';

/**
 * `zhongshu start`: the hub as a standalone process. Without TEMPORAL_ADDRESS / REDIS_URL it runs
 * the embedded defaults as children under one data directory, so a restart keeps everything.
 */
export async function startCommand(o: { configFile: string; role: string; demo: boolean; sandbox?: { ordersPerMinute: number; seed: number } }): Promise<number> {
  let config;
  try {
    config = await loadConfigFile(o.configFile);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (!['all', 'http', 'worker'].includes(o.role)) {
    process.stderr.write(`--role: expected all, http or worker, got "${o.role}"\n`);
    return 1;
  }
  const metricsPort = metricsPortFromEnv(process.env);
  if (!metricsPort.ok) {
    process.stderr.write(`${metricsPort.error}\n`);
    return 1;
  }
  const sdkMetrics = sdkMetricsAddressFromEnv(process.env);
  if (!sdkMetrics.ok) {
    process.stderr.write(`${sdkMetrics.error}\n`);
    return 1;
  }
  // Listened for from here on: the Temporal runtime's own handler (installed with its logger)
  // keeps a signal from ending the process, so one that arrives mid-start must be heard here. The
  // start then completes (each step is bounded) and the hub stops at once.
  let signalled = false;
  const stopSignal = new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      if (signalled) {
        process.stderr.write(`second ${sig}: exiting now\n`);
        process.exit(130);
      }
      signalled = true;
      process.stderr.write(`${sig}: draining the worker, closing HTTP, stopping services...\n`);
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const logger = createLogger({ level: config.log.level });
  installTemporalLogger(logger, 'WARN', sdkMetrics.address);
  const children: ManagedProcess[] = [];
  const dataDir = path.resolve(config.embedded.dataDir);
  let { temporalAddress, redisUrl, databaseUrl } = serviceAddresses(config, {}, process.env);
  let uiUrl: string | null = null;

  const stopChildren = async () => {
    await Promise.all(children.reverse().map((c) => c.stop()));
  };
  // All are waited for even when one fails: the other may already run, and a child left running
  // would keep this process (and its port) alive after it reported the failure.
  const [t, r, p] = await Promise.allSettled([
    temporalAddress
      ? null
      : startEmbeddedTemporal({ dataDir: path.join(dataDir, 'temporal'), port: config.embedded.temporalPort, uiPort: config.embedded.temporalUiPort, namespace: config.temporal.namespace, logger }),
    redisUrl ? null : startEmbeddedRedis({ dataDir, port: config.embedded.redisPort, logger }),
    databaseUrl ? null : startEmbeddedHubPostgres({ dataDir, port: config.embedded.postgresPort, logger }),
  ]);
  if (t.status === 'fulfilled' && t.value) {
    children.push(t.value.process);
    temporalAddress = t.value.address;
    uiUrl = t.value.uiUrl;
  }
  if (r.status === 'fulfilled' && r.value) {
    children.push(r.value.process);
    redisUrl = r.value.url;
  }
  if (p.status === 'fulfilled' && p.value) {
    children.push(p.value.process);
    databaseUrl = p.value.url;
  }
  const failed = [t, r, p].find((s) => s.status === 'rejected');
  if (failed) {
    await stopChildren();
    process.stderr.write(`cannot start embedded services: ${errorMessage(failed.reason)}\n`);
    return 1;
  }

  let world: SandboxWorld | null = null;
  let env: Record<string, string | undefined> = process.env;
  if (o.sandbox) {
    try {
      const wired = await wireSandboxWorld(config);
      world = wired.world;
      env = { ...process.env, ...wired.env };
    } catch (err) {
      await stopChildren();
      process.stderr.write(`cannot start the sandbox world: ${errorMessage(err)}\n`);
      return 1;
    }
  }
  const stopWorld = async () => {
    await world?.close();
  };

  let hub;
  try {
    hub = await createHub(config, { logger, temporalAddress, redisUrl, ...(databaseUrl ? { databaseUrl } : {}), temporalUiUrl: config.temporal.uiUrl ?? uiUrl, worker: o.role !== 'http', env });
  } catch (err) {
    await stopWorld();
    await stopChildren();
    process.stderr.write(`cannot create the hub: ${errorMessage(err)}\n`);
    return 1;
  }
  try {
    await hub.start();
  } catch (err) {
    // Exit non-zero rather than hang with open connections: a supervisor's restart policy can act.
    await hub.stop().catch(() => undefined);
    await stopWorld();
    await stopChildren();
    process.stderr.write(`cannot start the worker (is Temporal at ${temporalAddress} reachable?): ${errorMessage(err)}\n`);
    return 1;
  }

  let server: ServerType | null = null;
  const { host, port } = config.server;
  if (o.role !== 'worker') {
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: hub.app.fetch, hostname: host, port }, () => resolve(s));
    });
  }
  const workerMetricsPort = o.role === 'worker' ? metricsPort.port : null;
  if (workerMetricsPort !== null) {
    const metricsApp = createMetricsApp(hub.metrics);
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: metricsApp.fetch, hostname: host, port: workerMetricsPort }, () => resolve(s));
    });
  }
  const hubUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const lines = [
    `Zhongshu is up (role: ${o.role})`,
    ...(workerMetricsPort !== null ? [`  metrics:     http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${workerMetricsPort}/metrics`] : []),
    ...(server && workerMetricsPort === null ? [`  hub:         ${hubUrl}   (webhooks: ${hubUrl}/webhooks/shopify)`, `  admin API:   ${hubUrl}/api   (OpenAPI: ${hubUrl}/openapi.json, metrics: ${hubUrl}/metrics)`, ...(config.server.console ? [`  console:     ${hubUrl}${CONSOLE_PATH}/   (log in with an API key${o.demo ? ': ZHONGSHU_ADMIN_KEY in .data/dev.env' : ''})`] : [])] : []),
    `  temporal:    ${temporalAddress}${children.length ? ' (embedded dev server)' : ''}`,
    ...(uiUrl ? [`  temporal UI: ${uiUrl}`] : []),
    `  redis:       ${redisUrl?.replace(/\/\/[^@]*@/, '//***@')}`,
    `  database:    ${databaseUrl ? redactDatabaseUrl(databaseUrl) : '(none)'}${p.status === 'fulfilled' && p.value ? ' (embedded PostgreSQL, order store)' : ''}`,
    `  data:        ${dataDir}`,
    ...(world ? ['sandbox world (the hub is wired to these stand-ins; orders arrive on them):', ...world.describe(), `  orders:      ${o.sandbox?.ordersPerMinute} a minute, seed ${o.sandbox?.seed}; GET ${hubUrl}/api/orders, ${hubUrl}/api/decisions`] : []),
    'Ctrl-C drains the worker and stops everything.',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);

  if (o.demo && server && workerMetricsPort === null && !signalled) {
    try {
      await sendDemoTraffic(hubUrl, demoChannel(config), 3, (l) => process.stderr.write(`[demo] ${l}\n`));
    } catch (err) {
      process.stderr.write(`[demo] failed: ${errorMessage(err)}\n`);
    }
  }

  let generator: { stop(): Promise<void> } | null = null;
  if (world && o.sandbox && o.role !== 'http') {
    await stockDemoPool(hub, config.redis.keyPrefix, world);
    generator = startOrderGenerator({ hub, world, taskQueue: config.temporal.taskQueue, prefix: config.redis.keyPrefix, adminKey: process.env['ZHONGSHU_ADMIN_KEY'], ordersPerMinute: o.sandbox.ordersPerMinute, seed: o.sandbox.seed, say: (l) => process.stderr.write(`[sandbox] ${l}\n`) });
  }

  await stopSignal;
  // Stop sending sample orders, then stop taking requests, then let in-flight activities finish,
  // then stop the servers. One drain budget for both; past it, open requests are cut and
  // activities left to Temporal.
  await generator?.stop();
  const drainUntil = Date.now() + config.shutdown.drainMs;
  if (server) await closeServer(server, drainUntil, (open) => logger.warn({ drainMs: config.shutdown.drainMs }, `shutdown drain bound reached: ${open} HTTP connection(s) cut`));
  await hub.stop({ drainUntil });
  await stopWorld();
  await stopChildren();
  process.stderr.write('stopped.\n');
  return 0;
}

/** Stops accepting connections and waits for open requests until `drainUntil`, then cuts what is left. */
async function closeServer(server: ServerType, drainUntil: number, onCut: (open: number) => void): Promise<void> {
  const closed = new Promise<void>((r) => server.close(() => r()));
  if (await drainWithin(closed, drainUntil - Date.now())) return;
  if ('closeAllConnections' in server) {
    const open = await new Promise<number>((r) => server.getConnections((_err, n) => r(n)));
    onCut(open);
    server.closeAllConnections();
  }
  await closed;
}
