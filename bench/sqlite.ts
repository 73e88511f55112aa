// Section H (issue 19): the embedded dev server's SQLite settings. The same workflow (one no-op
// activity, section A's floor) started and run against a fresh `temporal server start-dev` per
// setting: the CLI's own defaults (what `zhongshu start` used before), WAL + synchronous=NORMAL
// (what it uses now) and WAL + synchronous=OFF (tests and the bench). Settings run one after the
// other in each round, rounds repeat, so drift on a shared machine hits all alike.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DURABLE_SQLITE_PRAGMAS, FAST_SQLITE_PRAGMAS, startEmbeddedTemporal } from '../src/embedded/services.js';
import type { Logger } from '../src/logger.js';
import { workflowBundles } from './bundles.js';
import { runPool } from './pool.js';
import { freePort } from './services.js';
import type { benchFloor, FloorActivities } from './workflows.js';

export interface SqliteOptions {
  /** Workflows per setting and round. */
  n: number;
  concurrency: number;
  rounds: number;
}

export const SQLITE_SETTINGS = [
  { name: 'CLI defaults (before)', pragmas: [] as readonly string[] },
  { name: 'WAL + synchronous=NORMAL (zhongshu start)', pragmas: DURABLE_SQLITE_PRAGMAS },
  { name: 'WAL + synchronous=OFF (tests, bench)', pragmas: FAST_SQLITE_PRAGMAS },
] as const;

export interface SqliteResult {
  options: SqliteOptions;
  rows: { setting: string; startsPerS: number[]; completedPerS: number[] }[];
}

const TASK_QUEUE = 'bench-sqlite';

async function measure(pragmas: readonly string[], o: SqliteOptions, logger: Logger): Promise<{ startsPerS: number; completedPerS: number }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-bench-sqlite-'));
  const temporal = await startEmbeddedTemporal({ dataDir, port: await freePort(), uiPort: null, namespace: 'default', sqlitePragmas: pragmas, logger, startTimeoutMs: 90_000 });
  const connection = await Connection.connect({ address: temporal.address });
  const native = await NativeConnection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const activities: FloorActivities = { async noop() {} };
    const worker = await Worker.create({ connection: native, namespace: 'default', taskQueue: TASK_QUEUE, workflowBundle: (await workflowBundles()).floor, activities });
    return await worker.runUntil(async () => {
      const results: Promise<unknown>[] = [];
      const t0 = performance.now();
      // Starts alone first (each acknowledged start is a committed transaction), then completion.
      await runPool(o.n, o.concurrency, async (i) => {
        const h = await client.workflow.start<typeof benchFloor>('benchFloor', { taskQueue: TASK_QUEUE, workflowId: `sqlite-${i}`, args: [] });
        results.push(h.result());
      });
      const started = performance.now();
      await Promise.all(results);
      const done = performance.now();
      return { startsPerS: (o.n * 1000) / (started - t0), completedPerS: (o.n * 1000) / (done - t0) };
    });
  } finally {
    await connection.close();
    await native.close();
    await temporal.process.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function runSqliteBench(o: SqliteOptions, env: { logger: Logger; progress: (msg: string) => void }): Promise<SqliteResult> {
  const rows = SQLITE_SETTINGS.map((s) => ({ setting: s.name, startsPerS: [] as number[], completedPerS: [] as number[] }));
  for (let r = 0; r < o.rounds; r++) {
    for (const [i, s] of SQLITE_SETTINGS.entries()) {
      const m = await measure(s.pragmas, o, env.logger);
      rows[i]?.startsPerS.push(m.startsPerS);
      rows[i]?.completedPerS.push(m.completedPerS);
      env.progress(`section H round ${r + 1}/${o.rounds} ${s.name}: ${m.startsPerS.toFixed(1)} starts/s, ${m.completedPerS.toFixed(1)} completed/s`);
    }
  }
  return { options: o, rows };
}
