import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/logger.js';
import { startEmbeddedRedis, startEmbeddedTemporal } from '../../src/embedded/services.js';
import { startEmbeddedPostgres } from '../../src/embedded/postgres.js';
import { workflowsPath } from '../../src/util/package-info.js';
import pg_ from 'pg';

/**
 * A port for a server a test starts next. Binding port 0 and closing is not enough: the kernel may
 * hand the same port to the next bind(0) anywhere on the machine (the Temporal dev server picks
 * its HTTP port that way and took a test's gRPC port, so the server's restart failed). So the
 * port is also connected to and closed from the listening side first, which leaves it in
 * TIME_WAIT: bind(0) skips it for a minute, an explicit bind (SO_REUSEADDR) still gets it. The
 * Temporal CLI reserves its own ports the same way.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer((sock) => sock.destroy());
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      const client = connect(port, '127.0.0.1');
      client.once('error', reject);
      client.resume();
      client.once('close', () => srv.close(() => resolve(port)));
    });
  });
}

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalPort: number;
    redisUrl: string;
    redisPort: number;
    workflowBundlePath: string;
    dataDir: string;
    /** The legacy-ERP stand-in: PostgreSQL read through unixODBC + psqlODBC. */
    pgPort: number;
    odbcConnectionString: string;
    /** The hub's order store: its own database on the same server (each test uses its own schema). */
    hubDatabaseUrl: string;
  }
}

/**
 * One real Temporal dev server (SQLite, WAL, synchronous=OFF) and one real redis-server for the
 * whole integration run, plus the workflow bundle built once. Nothing here is mocked.
 */
export default async function setup(project: TestProject) {
  const logger = createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'warn', name: 'test-infra' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-it-'));
  const [temporalPort, redisPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const [temporal, redis, bundle, pg] = await Promise.all([
    startEmbeddedTemporal({ dataDir, port: temporalPort, uiPort: null, namespace: 'default', fastSqlite: true, logger, startTimeoutMs: 90_000 }),
    startEmbeddedRedis({ dataDir, port: redisPort, logger }),
    bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } }),
    startEmbeddedPostgres({ port: pgPort, logger }),
  ]);
  const workflowBundlePath = path.join(dataDir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalPort', temporalPort);
  project.provide('redisUrl', redis.url);
  project.provide('redisPort', redisPort);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('dataDir', dataDir);
  project.provide('pgPort', pg.port);
  project.provide('odbcConnectionString', pg.odbcConnectionString);
  const hubDatabaseUrl = `postgres://${pg.user}@127.0.0.1:${pg.port}/hub`;
  const admin = new pg_.Client({ connectionString: `postgres://${pg.user}@127.0.0.1:${pg.port}/${pg.database}` });
  await admin.connect();
  await admin.query('create database hub');
  await admin.end();
  project.provide('hubDatabaseUrl', hubDatabaseUrl);
  return async () => {
    await Promise.all([temporal.process.stop(), redis.process.stop(), pg.process.stop()]);
    if (!process.env['KEEP_TEST_DATA']) await rm(dataDir, { recursive: true, force: true });
  };
}
