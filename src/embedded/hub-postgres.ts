import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { findPostgresBin, serverAccount } from './postgres.js';
import { startProcess, tcpReachable, waitFor, type ManagedProcess } from './process.js';

export const EMBEDDED_DB_USER = 'zhongshu';
export const EMBEDDED_DB_NAME = 'zhongshu';

/**
 * The order store's PostgreSQL for `zhongshu start` without DATABASE_URL: a server run as a child
 * process on a cluster under the data directory, initialised on the first start (like the
 * embedded redis-server's append-only file), so a restart keeps every stored order. Loopback
 * only with trust authentication, as the embedded Redis has no password either: production sets
 * DATABASE_URL.
 */
export async function startEmbeddedHubPostgres(o: { dataDir: string; port: number; logger: Logger; startTimeoutMs?: number }): Promise<{ url: string; process: ManagedProcess }> {
  const bin = findPostgresBin();
  const home = path.join(o.dataDir, 'postgres');
  const cluster = path.join(home, 'data');
  await mkdir(home, { recursive: true });
  const account = serverAccount();
  const runAs = account ? { uid: account.uid, gid: account.gid } : {};
  if (account) {
    // As root the server runs as `postgres`, which must reach its cluster: the data directory
    // becomes traversable (not listable) for others, and the cluster's home is the server's.
    chmodSync(o.dataDir, statSync(o.dataDir).mode | 0o001);
    chownSync(home, account.uid, account.gid);
  }
  if (!existsSync(path.join(cluster, 'PG_VERSION'))) {
    o.logger.info({ cluster }, 'initialising the embedded PostgreSQL cluster');
    execFileSync(path.join(bin, 'initdb'), ['-D', cluster, '-U', EMBEDDED_DB_USER, '-A', 'trust', '-E', 'UTF8', '--locale', 'C'], { stdio: 'pipe', ...runAs });
  }
  const args = ['-D', cluster, '-p', String(o.port), '-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=50'];
  const logFile = path.join(o.dataDir, 'postgres.log');
  o.logger.info({ bin, port: o.port }, 'starting embedded PostgreSQL (order store)');
  const proc = startProcess('postgres', path.join(bin, 'postgres'), args, { logFile, logger: o.logger, ...runAs });
  const timeoutMs = o.startTimeoutMs ?? 30_000;
  try {
    await waitFor('PostgreSQL', () => tcpReachable('127.0.0.1', o.port), { timeoutMs, child: proc.child, logFile });
    await ensureDatabase(o.port, timeoutMs);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url: `postgres://${EMBEDDED_DB_USER}@127.0.0.1:${o.port}/${EMBEDDED_DB_NAME}`, process: proc };
}

/** The server takes TCP a moment before it takes logins: retried until it does, then the database made once. */
async function ensureDatabase(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new pg.Client({ host: '127.0.0.1', port, user: EMBEDDED_DB_USER, database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      const have = await c.query('select 1 from pg_database where datname = $1', [EMBEDDED_DB_NAME]);
      if (have.rowCount === 0) await c.query(`create database ${EMBEDDED_DB_NAME}`);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not accept logins: ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}
