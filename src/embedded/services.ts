import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from '../logger.js';
import { findRedisServer, findTemporalBinary } from './binaries.js';
import { startProcess, tcpReachable, waitFor, type ManagedProcess } from './process.js';
import { ORDER_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

export interface EmbeddedTemporalOptions {
  dataDir: string;
  port: number;
  uiPort: number | null;
  namespace: string;
  /** Faster, less durable SQLite settings for tests (synchronous=OFF: a machine crash can lose acknowledged work). */
  fastSqlite?: boolean;
  /** Explicit SQLite pragmas ("name=value"), replacing the choice above; the bench compares settings with it. */
  sqlitePragmas?: readonly string[];
  /** Dynamic config values (`--dynamic-config-value key=<JSON>`), e.g. { 'system.enableEagerWorkflowStart': false }. */
  dynamicConfig?: Readonly<Record<string, string | number | boolean>>;
  /** The server's Prometheus endpoint (`--metrics-port`); unset: a port the CLI picks. */
  metricsPort?: number;
  logger: Logger;
  startTimeoutMs?: number;
}

const SA_TYPE_FLAG: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };

/**
 * `zhongshu start`'s SQLite: write-ahead log, synced at each checkpoint rather than each commit.
 * In WAL mode synchronous=NORMAL keeps every committed transaction across a crash of the
 * process (the WAL is in the OS's page cache and reaches the file), but a power loss or kernel
 * crash can roll back the last transactions before the WAL was synced: workflows started or
 * advanced in that moment may be lost (the README says so).
 */
export const DURABLE_SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL'] as const;
/** Tests and the bench: no syncs at all. */
export const FAST_SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=OFF'] as const;

/**
 * Dynamic config every embedded dev server gets (a caller's `dynamicConfig` overrides a key).
 * Eager activity dispatch: an activity a workflow task schedules goes back to that worker in the
 * answer to the task's completion instead of through matching, which on this 2-core box halved the
 * bench floor's five-activity workflow (543 -> 292 ms at 8 in flight). It is off by default in the
 * server; the production topology's dynamic config turns it on too.
 */
export const EMBEDDED_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  'system.enableActivityEagerExecution': true,
};

/** `temporal server start-dev` on a SQLite file under dataDir, so a restart keeps every workflow. */
export async function startEmbeddedTemporal(o: EmbeddedTemporalOptions): Promise<{ address: string; uiUrl: string | null; process: ManagedProcess }> {
  const bin = findTemporalBinary();
  await mkdir(o.dataDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(o.port),
    '--db-filename', path.join(o.dataDir, 'temporal.db'),
    '--namespace', o.namespace,
    '--log-level', 'warn',
    // Search attributes SREs filter on are registered at start (idempotent across restarts).
    ...ORDER_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${SA_TYPE_FLAG[k.type] ?? 'Keyword'}`]),
  ];
  if (o.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  for (const p of o.sqlitePragmas ?? (o.fastSqlite ? FAST_SQLITE_PRAGMAS : DURABLE_SQLITE_PRAGMAS)) args.push('--sqlite-pragma', p);
  if (o.metricsPort !== undefined) args.push('--metrics-port', String(o.metricsPort));
  for (const [key, value] of Object.entries({ ...EMBEDDED_DYNAMIC_CONFIG, ...o.dynamicConfig })) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  const logFile = path.join(o.dataDir, 'temporal.log');
  o.logger.info({ bin, port: o.port }, 'starting embedded Temporal dev server');
  const proc = startProcess('temporal', bin, args, { logFile, logger: o.logger });
  const address = `127.0.0.1:${o.port}`;
  await waitFor(
    'Temporal dev server',
    async () => {
      if (!(await tcpReachable('127.0.0.1', o.port))) return false;
      try {
        const conn = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await conn.workflowService.describeNamespace({ namespace: o.namespace });
          return true;
        } finally {
          await conn.close();
        }
      } catch {
        return false;
      }
    },
    { timeoutMs: o.startTimeoutMs ?? 60_000, child: proc.child, logFile },
  );
  return { address, uiUrl: o.uiPort === null ? null : `http://127.0.0.1:${o.uiPort}`, process: proc };
}

export interface EmbeddedRedisOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  startTimeoutMs?: number;
}

/** redis-server with append-only persistence under dataDir. */
export async function startEmbeddedRedis(o: EmbeddedRedisOptions): Promise<{ url: string; process: ManagedProcess }> {
  const bin = findRedisServer();
  const dir = path.join(o.dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const args = ['--port', String(o.port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--logfile', ''];
  const logFile = path.join(o.dataDir, 'redis.log');
  o.logger.info({ bin, port: o.port }, 'starting embedded Redis');
  const proc = startProcess('redis', bin, args, { logFile, logger: o.logger });
  await waitFor('redis-server', () => tcpReachable('127.0.0.1', o.port), { timeoutMs: o.startTimeoutMs ?? 15_000, child: proc.child, logFile });
  return { url: `redis://127.0.0.1:${o.port}`, process: proc };
}
