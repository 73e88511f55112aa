import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
// @temporalio/proto is CommonJS: named ESM imports of it fail at run time under Node.
import proto from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { Logger } from '../logger.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../embedded/postgres.js';
import { startProcess, tcpReachable, waitFor, type ManagedProcess } from '../embedded/process.js';
import { freePort } from '../sandbox/world.js';
import { errorMessage } from '../util/errors.js';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { findTemporalServer, TEMPORAL_CONFIG_ENV, temporalConfigRoot, type TemporalServerBuild } from './temporal-server-binaries.js';

const run = promisify(execFile);
const { IndexedValueType } = proto.temporal.api.enums.v1;

/** The four services of a Temporal cluster, each run as its own process here. */
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** The two databases the config (deploy/temporal/config/zhongshu.yaml) names. */
const DATABASES = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;

export interface TemporalClusterOptions {
  /** Logs of every process go here. */
  dataDir: string;
  logger: Logger;
  namespace?: string;
  /** Frontend gRPC port (default: a free one). */
  frontendPort?: number;
  build?: TemporalServerBuild;
  startTimeoutMs?: number;
}

export interface TemporalCluster {
  /** host:port of the frontend. */
  readonly address: string;
  readonly namespace: string;
  /** Prometheus port of each service process. */
  readonly metricsPorts: Readonly<Record<TemporalService, number>>;
  readonly postgresPort: number;
  /** Stops one service process (SIGKILL when `kill`, else SIGTERM) and starts it again. */
  restart(service: TemporalService, o?: { kill?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

interface Ports {
  grpc: Record<TemporalService, number>;
  membership: Record<TemporalService, number>;
  metrics: Record<TemporalService, number>;
  frontendHttp: number;
}

/** The membership table stores ports as SQL smallint: a membership port must stay below 32768. */
const MEMBERSHIP_PORT_RANGE = { from: 20_000, to: 32_767 } as const;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function freeMembershipPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = MEMBERSHIP_PORT_RANGE.from + Math.floor(Math.random() * (MEMBERSHIP_PORT_RANGE.to - MEMBERSHIP_PORT_RANGE.from));
    if (!taken.has(port) && (await bindable(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free membership port in ${MEMBERSHIP_PORT_RANGE.from}-${MEMBERSHIP_PORT_RANGE.to}`);
}

async function portsFor(frontendPort: number | undefined): Promise<Ports> {
  const per = async (pick: () => Promise<number>): Promise<Record<TemporalService, number>> => ({ frontend: await pick(), history: await pick(), matching: await pick(), worker: await pick() });
  const grpc = await per(freePort);
  if (frontendPort !== undefined) grpc.frontend = frontendPort;
  const taken = new Set<number>();
  return { grpc, membership: await per(() => freeMembershipPort(taken)), metrics: await per(freePort), frontendHttp: await freePort() };
}

/** The environment the templated config reads (names documented at its top). */
function serviceEnv(service: TemporalService, ports: Ports, pg: EmbeddedPostgres): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_DB_HOST: '127.0.0.1',
    TEMPORAL_DB_PORT: String(pg.port),
    TEMPORAL_DB_USER: pg.user,
    // Trust authentication on the throwaway server: any password is accepted.
    TEMPORAL_DB_PASSWORD: 'unused',
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_FRONTEND_ADDRESS: `127.0.0.1:${ports.grpc.frontend}`,
    TEMPORAL_FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    TEMPORAL_METRICS_PORT: String(ports.metrics[service]),
    TEMPORAL_LOG_LEVEL: 'warn',
  };
  for (const s of TEMPORAL_SERVICES) {
    env[`TEMPORAL_${s.toUpperCase()}_GRPC_PORT`] = String(ports.grpc[s]);
    env[`TEMPORAL_${s.toUpperCase()}_MEMBERSHIP_PORT`] = String(ports.membership[s]);
  }
  return env;
}

/** Creates both databases and brings their schemas to the newest version shipped with the server. */
async function setupSchemas(build: TemporalServerBuild, pg: EmbeddedPostgres): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pg.port), '-u', pg.user, '--pw', 'unused'];
  const schemaDirs = { [DATABASES.temporal]: 'temporal', [DATABASES.visibility]: 'visibility' };
  for (const [db, dir] of Object.entries(schemaDirs)) {
    const withDb = [...base, '--db', db];
    const steps = [
      [...withDb, 'create-database'],
      [...withDb, 'setup-schema', '-v', '0.0'],
      [...withDb, 'update-schema', '-d', path.join(build.postgresSchemaDir, dir, 'versioned')],
    ];
    for (const args of steps) {
      try {
        await run(build.sqlTool, args, { timeout: 120_000 });
      } catch (err) {
        const stderr = typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr) : '';
        throw new Error(`temporal-sql-tool ${args.slice(base.length).join(' ')} failed: ${errorMessage(err)} ${stderr.slice(-2000)}`);
      }
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retries `fn` until it resolves or the deadline passes (then rethrows its last error). */
async function retryUntil<T>(what: string, deadline: number, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${errorMessage(err)}`);
      await sleep(500);
    }
  }
}

/**
 * Registers the namespace and the hub's search attributes, then waits until both are usable: a
 * new namespace reaches the frontend's cache on its next refresh, and a new search attribute is
 * accepted by queries a moment after it is added.
 */
async function prepareNamespace(address: string, namespace: string, deadline: number): Promise<void> {
  const conn = await retryUntil('Temporal frontend', deadline, () => Connection.connect({ address, connectTimeout: 2_000 }));
  try {
    await retryUntil(`register namespace ${namespace}`, deadline, async () => {
      try {
        await conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('7 days') });
      } catch (err) {
        if (!/already exists/i.test(errorMessage(err))) throw err;
      }
    });
    await retryUntil(`namespace ${namespace} usable`, deadline, () => conn.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }));
    await retryUntil('add search attributes', deadline, async () => {
      const have = await conn.operatorService.listSearchAttributes({ namespace });
      const missing = ORDER_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (have.customAttributes ?? {})));
      if (!missing.length) return;
      await conn.operatorService.addSearchAttributes({
        namespace,
        // Every order attribute is a keyword (workflows/search-attributes.ts).
        searchAttributes: Object.fromEntries(missing.map((k) => [k.name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
      });
      throw new Error(`added ${missing.map((k) => k.name).join(', ')}; checking again`);
    });
    const query = ORDER_SEARCH_ATTRIBUTES.map((k) => `${k.name} = 'probe'`).join(' AND ');
    await retryUntil('search attributes usable in queries', deadline, () => conn.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query }));
  } finally {
    await conn.close();
  }
}

/**
 * The production topology's Temporal on this machine: a throwaway PostgreSQL, both schemas set up
 * with the server's own SQL tool, and frontend, history, matching and worker as four processes
 * from deploy/temporal/config, the config docker-compose.yml mounts.
 */
export async function startTemporalCluster(o: TemporalClusterOptions): Promise<TemporalCluster> {
  const build = o.build ?? findTemporalServer();
  const namespace = o.namespace ?? 'default';
  const deadline = Date.now() + (o.startTimeoutMs ?? 180_000);
  await mkdir(o.dataDir, { recursive: true });
  // 4 processes x (10 + 4) connections by the config, the SQL tool and some headroom.
  const pg = await startEmbeddedPostgres({ port: await freePort(), logger: o.logger, database: 'zhongshu', maxConnections: 120 });
  const procs = new Map<TemporalService, ManagedProcess>();
  const ports = await portsFor(o.frontendPort);
  const address = `127.0.0.1:${ports.grpc.frontend}`;
  const startService = (service: TemporalService): ManagedProcess => {
    const args = ['--root', temporalConfigRoot(), '--config', 'config', '--env', TEMPORAL_CONFIG_ENV, '--allow-no-auth', 'start', '--service', service];
    const proc = startProcess(`temporal-${service}`, build.server, args, { logFile: path.join(o.dataDir, `temporal-${service}.log`), logger: o.logger, env: serviceEnv(service, ports, pg), cwd: temporalConfigRoot() });
    procs.set(service, proc);
    return proc;
  };
  const stopAll = async () => {
    await Promise.all([...procs.values()].map((p) => p.stop()));
    await pg.process.stop();
  };
  try {
    await setupSchemas(build, pg);
    o.logger.info({ address }, 'starting Temporal frontend, history, matching and worker');
    // The first process on a fresh database writes the cluster metadata; two at once race for it
    // and the loser exits. So the frontend comes up alone, then the other three.
    const frontend = startService('frontend');
    await waitFor('Temporal frontend', () => tcpReachable('127.0.0.1', ports.grpc.frontend), { timeoutMs: Math.max(1, deadline - Date.now()), child: frontend.child, logFile: path.join(o.dataDir, 'temporal-frontend.log') });
    for (const s of TEMPORAL_SERVICES) if (s !== 'frontend') startService(s);
    await prepareNamespace(address, namespace, deadline);
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    address,
    namespace,
    metricsPorts: ports.metrics,
    postgresPort: pg.port,
    async restart(service, r = {}) {
      const proc = procs.get(service);
      if (proc) {
        if (r.kill) proc.child.kill('SIGKILL');
        await proc.stop();
      }
      const next = startService(service);
      await waitFor(`Temporal ${service}`, () => tcpReachable('127.0.0.1', ports.grpc[service]), { timeoutMs: 60_000, child: next.child, logFile: path.join(o.dataDir, `temporal-${service}.log`) });
    },
    stop: stopAll,
  };
}
