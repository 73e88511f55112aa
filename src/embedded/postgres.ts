import { execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { MissingBinaryError } from './binaries.js';
import { startProcess, tcpReachable, waitFor, type ManagedProcess } from './process.js';

/**
 * A throwaway PostgreSQL server for the legacy-ERP integration tests and bench: the stand-in for
 * a seller's ERP database, read through unixODBC + psqlODBC exactly as a real one would be.
 * The Temporal cluster of the production-topology test (src/deploy/temporal-cluster.ts) runs on
 * one too. Not used by the hub itself (it never owns the ERP's database).
 */

export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['ZHONGSHU_PG_BIN'];
  const candidates = explicit
    ? [explicit]
    : (() => {
        try {
          return readdirSync('/usr/lib/postgresql')
            .sort((a, b) => Number(b) - Number(a))
            .map((v) => `/usr/lib/postgresql/${v}/bin`);
        } catch {
          return [];
        }
      })();
  for (const dir of candidates) {
    try {
      accessSync(path.join(dir, 'initdb'), constants.X_OK);
      accessSync(path.join(dir, 'postgres'), constants.X_OK);
      return dir;
    } catch {
      /* next */
    }
  }
  throw new MissingBinaryError('PostgreSQL server (initdb, postgres)', 'run `npm run provision` (installs Debian\'s postgresql), or set ZHONGSHU_PG_BIN to its bin directory');
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account. */
export function serverAccount(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error("running as root but no 'postgres' user to run PostgreSQL as");
  return { uid, gid };
}

export interface EmbeddedPostgres {
  port: number;
  user: string;
  database: string;
  /** DSN-less ODBC connection string through the psqlODBC "PostgreSQL Unicode" driver. */
  odbcConnectionString: string;
  process: ManagedProcess;
}

export async function startEmbeddedPostgres(o: { port: number; logger: Logger; startTimeoutMs?: number; database?: string; maxConnections?: number }): Promise<EmbeddedPostgres> {
  const bin = findPostgresBin();
  // Its own directory straight under the temp dir: as root the server runs as `postgres`, which
  // must reach it (callers' data dirs are mode 0700 root). Removed when the server stops.
  const home = await mkdtemp(path.join(tmpdir(), 'zhongshu-pg-'));
  const dir = path.join(home, 'data');
  const account = serverAccount();
  if (account) chownSync(home, account.uid, account.gid);
  const user = 'zhongshu';
  const database = o.database ?? 'erp';
  const runAs = account ? { uid: account.uid, gid: account.gid } : {};
  // Trust auth on a loopback-only server that lives for one test run; fsync off for speed.
  execFileSync(path.join(bin, 'initdb'), ['-D', dir, '-U', user, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale', 'C'], { stdio: 'pipe', ...runAs });
  const logFile = path.join(home, 'postgres.log');
  const args = ['-D', dir, '-p', String(o.port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', `max_connections=${o.maxConnections ?? 50}`];
  o.logger.info({ bin, port: o.port }, 'starting embedded PostgreSQL');
  const proc = startProcess('postgres', path.join(bin, 'postgres'), args, { logFile, logger: o.logger, ...runAs });
  await waitFor('PostgreSQL', () => tcpReachable('127.0.0.1', o.port), { timeoutMs: o.startTimeoutMs ?? 30_000, child: proc.child, logFile });
  // The server accepts TCP a moment before it accepts logins; createdb retries until it does.
  const deadline = Date.now() + (o.startTimeoutMs ?? 30_000);
  for (;;) {
    try {
      execFileSync(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(o.port), '-U', user, database], { stdio: 'pipe' });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`createdb ${database} failed: ${err instanceof Error ? err.message : String(err)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const odbcConnectionString = `Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=${o.port};Database=${database};Uid=${user};Pwd=unused`;
  const stop = proc.stop.bind(proc);
  const managed: ManagedProcess = {
    ...proc,
    async stop(timeoutMs?: number) {
      await stop(timeoutMs);
      if (!process.env['KEEP_TEST_DATA']) await rm(home, { recursive: true, force: true });
    },
  };
  return { port: o.port, user, database, odbcConnectionString, process: managed };
}
