import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promCounterSum } from '../bench/scale-report.js';
import { startEmbeddedTemporal } from '../src/embedded/services.js';
import type { ManagedProcess } from '../src/embedded/process.js';
import { createLogger } from '../src/logger.js';
import { freePort } from './support/global-setup.js';
import type { oneActivity } from './support/workflows/one-activity.js';

/**
 * Issue 19: an activity scheduled by a workflow task goes back to the same worker in the answer to
 * that task's completion (eager activity dispatch), saving a trip through matching per step. The
 * server only does that when `system.enableActivityEagerExecution` is on, which is off by default;
 * the embedded dev server (zhongshu start, simulate, tests, bench) turns it on. The server's own
 * counter says whether it happened.
 */
const EAGER_METRIC = 'activity_eager_execution';

async function scrape(port: number, name: string): Promise<number> {
  return promCounterSum(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), name, {});
}

/** The server publishes its counters a moment after it counts (seen: about a second), so read until `want` or the deadline. */
async function counterAfterFlush(port: number, name: string, want: number, ms = 15_000): Promise<number> {
  let v = await scrape(port, name);
  for (const end = Date.now() + ms; v !== want && Date.now() < end; v = await scrape(port, name)) await new Promise((r) => setTimeout(r, 250));
  return v;
}

async function runOrders(address: string, n: number): Promise<string[]> {
  const connection = await NativeConnection.connect({ address });
  const taskQueue = `eager-act-${process.pid}-${Date.now()}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: path.join(import.meta.dirname, 'support/workflows/one-activity.ts'),
    activities: { echo: async (x: string) => `echo ${x}` },
  });
  const clientConn = await Connection.connect({ address });
  const client = new Client({ connection: clientConn });
  try {
    return await worker.runUntil(Promise.all(Array.from({ length: n }, (_, i) => client.workflow.execute<typeof oneActivity>('oneActivity', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [String(i)] }))));
  } finally {
    await clientConn.close();
    await connection.close();
  }
}

describe('eager activity dispatch on the embedded Temporal dev server', () => {
  const logger = createLogger({ level: 'warn', name: 'eager-activities-test' });
  let dataDir = '';
  const procs: ManagedProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-eager-act-'));
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  async function server(dir: string, dynamicConfig?: Record<string, boolean>): Promise<{ address: string; metricsPort: number }> {
    const metricsPort = await freePort();
    const t = await startEmbeddedTemporal({ dataDir: path.join(dataDir, dir), port: await freePort(), uiPort: null, namespace: 'default', fastSqlite: true, metricsPort, logger, startTimeoutMs: 90_000, ...(dynamicConfig ? { dynamicConfig } : {}) });
    procs.push(t.process);
    return { address: t.address, metricsPort };
  }

  it('is on by default: each of 5 workflows gets its activity in its workflow-task answer, and completes', async () => {
    const s = await server('default');
    expect(await runOrders(s.address, 5)).toEqual(['echo 0', 'echo 1', 'echo 2', 'echo 3', 'echo 4']);
    expect(await counterAfterFlush(s.metricsPort, EAGER_METRIC, 5)).toBe(5);
  });

  it('a caller can still turn it off, and the activities then go through matching', async () => {
    const s = await server('off', { 'system.enableActivityEagerExecution': false });
    expect(await runOrders(s.address, 3)).toEqual(['echo 0', 'echo 1', 'echo 2']);
    // As long as the default case took to publish its 5, and then some: nothing is counted here.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await scrape(s.metricsPort, EAGER_METRIC)).toBe(0);
  });
});
