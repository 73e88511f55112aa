import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyTemporalConnection } from './connection.js';

/** A port nothing listens on: every call fails UNAVAILABLE, which the client retries on a timer. */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

const trapped: unknown[] = [];
let onTrapped = () => {};
const trap = (err: unknown) => {
  trapped.push(err);
  onTrapped();
};
afterEach(() => {
  process.off('uncaughtException', trap);
  process.off('unhandledRejection', trap);
  trapped.length = 0;
});

describe('lazyTemporalConnection close during an outage', () => {
  it('ends a call waiting on a retry with its error instead of throwing from the retry timer', async () => {
    process.on('uncaughtException', trap);
    process.on('unhandledRejection', trap);
    const t = lazyTemporalConnection({ address: `127.0.0.1:${await deadPort()}`, connectTimeoutMs: 500 });
    const call = t.connection.workflowService.describeNamespace({ namespace: 'default' }).then(
      () => 'answered',
      (err: unknown) => err,
    );
    // The first attempt failed and its retry waits on the backoff timer.
    await expect.poll(() => t.pendingRetries, { interval: 5 }).toBeGreaterThan(0);
    await t.close();
    expect(t.pendingRetries).toBe(0);
    // Whichever comes first: the call settling, or the retry timer throwing outside it.
    const outcome = await Promise.race([
      call,
      new Promise((resolve) => (onTrapped = () => resolve('uncaught'))),
    ]);
    expect(trapped.map(String)).toEqual([]);
    expect(outcome).toBeInstanceOf(Error);
  });

  it('fails every call, waiting or new, to its caller once closed', async () => {
    process.on('uncaughtException', trap);
    process.on('unhandledRejection', trap);
    const t = lazyTemporalConnection({ address: `127.0.0.1:${await deadPort()}`, connectTimeoutMs: 500 });
    const settle = (p: Promise<unknown>) => p.then(() => 'answered', (err: unknown) => err);
    const ns = { namespace: 'default' };
    const calls = [
      settle(t.connection.workflowService.describeNamespace(ns)),
      settle(t.connection.withDeadline(Date.now() + 60_000, () => t.connection.workflowService.getSystemInfo({}))),
      settle(t.connection.operatorService.listSearchAttributes(ns)),
    ];
    await expect.poll(() => t.pendingRetries, { interval: 5 }).toBe(calls.length);
    const closed = Promise.all([t.close(), t.close()]);
    // Asked while closing: fails at once rather than scheduling a retry the close would wait for.
    calls.push(settle(t.connection.workflowService.describeNamespace(ns)));
    await closed;
    calls.push(settle(t.connection.workflowService.describeNamespace(ns)));
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => !(o instanceof Error))).toEqual([]);
    expect(t.pendingRetries).toBe(0);
    expect(trapped.map(String)).toEqual([]);
  });
});
