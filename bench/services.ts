import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../src/logger.js';
import { startEmbeddedRedis, startEmbeddedTemporal } from '../src/embedded/services.js';
import type { ManagedProcess } from '../src/embedded/process.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface BenchServices {
  dataDir: string;
  temporalAddress: string;
  redisUrl: string;
  /** The two children's PIDs, for CPU accounting (bench/cpu.ts). */
  pids: { temporal: number | undefined; redis: number | undefined };
  /** Stops both children (and whatever else is registered) and removes the temp dir; safe to call more than once. */
  stop(): Promise<void>;
}

const children: ManagedProcess[] = [];
const dirs: string[] = [];
/** In-process servers and hubs (SF/WDT sandboxes, the section C hub) closed before the children stop. */
const closers = new Set<() => Promise<void>>();
let cleaning: Promise<void> | null = null;

/**
 * Registers something to close on cleanup (also on Ctrl-C); returns the function that closes it
 * now and unregisters it, so the normal path and the interrupted path close it exactly once.
 */
export function onCleanup(close: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | null = null;
  const once = () => {
    closers.delete(once);
    done ??= close();
    return done;
  };
  closers.add(once);
  return once;
}

/** A close that hangs (a worker draining a stuck activity) must not keep an interrupted bench alive. */
function bounded(p: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    p.catch(() => undefined).finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * Stops every child this bench started so far and removes its temp dirs. Calls while one runs
 * share it; a later call (after a section started new services) stops those too.
 */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled([...closers].map((c) => bounded(c(), 5000)));
    const stopping = [...children];
    await Promise.allSettled(stopping.map((c) => c.stop(3000)));
    for (const c of stopping) children.splice(children.indexOf(c), 1);
    for (const d of dirs.splice(0)) {
      if (!process.env['BENCH_KEEP_DATA']) rmSync(d, { recursive: true, force: true });
    }
  })().finally(() => {
    cleaning = null;
  });
  return cleaning;
}

let handlersInstalled = false;

/**
 * PIDs whose parent is this process (Linux /proc). A dev server that fails its readiness wait is
 * never returned to us by startEmbeddedTemporal, so this is how the exit handler still finds it.
 */
function ownChildPids(): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const e of entries) {
    try {
      // stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push(Number(e));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/**
 * Ctrl-C, SIGTERM and crashes must not leave a temporal or redis-server behind (they would keep
 * ports and a SQLite file). Signals run the async cleanup; 'exit' is the last resort and can only
 * do synchronous work, so it SIGKILLs whatever is still alive.
 */
export function installCleanupHandlers(logger: Pick<Logger, 'warn'>): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (sig: NodeJS.Signals, code: number) => {
    logger.warn({ signal: sig }, 'bench interrupted; stopping its temporal and redis-server');
    // A second Ctrl-C while cleaning up means "now": the exit handler kills the rest.
    process.once(sig, () => process.exit(code));
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  process.once('SIGHUP', () => onSignal('SIGHUP', 129));
  process.on('exit', () => {
    for (const c of children) {
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    }
    for (const pid of ownChildPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!process.env['BENCH_KEEP_DATA']) for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
}

/** Our own Temporal dev server (SQLite WAL + synchronous=OFF, headless) and redis-server, on free ports in a temp dir. */
export async function startBenchServices(logger: Logger): Promise<BenchServices> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-bench-'));
  dirs.push(dataDir);
  const [temporalPort, redisPort] = [await freePort(), await freePort()];
  // Started one after the other so a failure of the first is not hidden behind the second.
  const redis = await startEmbeddedRedis({ dataDir, port: redisPort, logger });
  children.push(redis.process);
  const temporal = await startEmbeddedTemporal({ dataDir, port: temporalPort, uiPort: null, namespace: 'default', fastSqlite: true, logger, startTimeoutMs: 90_000 });
  children.push(temporal.process);
  return { dataDir, temporalAddress: temporal.address, redisUrl: redis.url, pids: { temporal: temporal.process.child.pid, redis: redis.process.child.pid }, stop: cleanup };
}
