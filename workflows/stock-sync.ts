import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../src/activities/index.js';
import { CAPABILITY } from '../src/sdk/capabilities.js';
import { NON_RETRYABLE_FAILURE_TYPES } from '../src/sdk/failure-types.js';

export interface StockSyncInput {
  warehouse: string;
  /** WMS connector whose stock.query gives on-hand figures; null = on-hand is set elsewhere. */
  wms: string | null;
  /** Platform connectors that receive available stock (capability inventory.push). */
  platforms: string[];
  /** Only these SKUs (the "a SKU just reached zero" push); empty = the whole pool. */
  skus: string[];
}

const local = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 3 } });
const remote = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3, initialInterval: '2 seconds', nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES] },
});

/**
 * Refreshes on-hand from the WMS, then pushes available = on hand - locked to every platform, so
 * a platform never sells what is not there. Run by a Temporal Schedule (default every 5 minutes;
 * the seeds' 15 minutes is the bar) and at once by an order whose lock took a SKU to zero.
 */
export async function stockSync(input: StockSyncInput): Promise<{ skus: number; pushed: string[]; failed: string[]; wms?: 'live' | 'stale' | 'unavailable' }> {
  const { workflowId, runId } = workflowInfo();
  let wms: 'live' | 'stale' | 'unavailable' | undefined;
  if (input.wms) {
    try {
      const r = await remote.syncStockFromWms({ warehouse: input.warehouse, wms: input.wms, skus: input.skus });
      wms = r.stale ? 'stale' : 'live';
    } catch (err) {
      // WMS down past its last-known-good age: the pool's own figures (on hand as last confirmed,
      // minus every lock since) are still the best answer, and platforms must keep hearing it.
      if (!patched('stock-sync-survives-wms-outage')) throw err;
      wms = 'unavailable';
    }
  }
  const items = await local.stockSnapshot({ warehouse: input.warehouse, skus: input.skus });
  const pushed: string[] = [];
  const failed: string[] = [];
  for (const platform of input.platforms) {
    try {
      await remote.invokeAdapter({ connector: platform, capability: CAPABILITY.INVENTORY_PUSH, idempotencyKey: `${workflowId}:${runId}:${platform}`, input: { warehouse: input.warehouse, items } });
      pushed.push(platform);
    } catch {
      // One platform's outage must not stop the others; the next run pushes again.
      failed.push(platform);
    }
  }
  return { skus: items.length, pushed, failed, ...(wms ? { wms } : {}) };
}

/** Safety net under each order's own countdown: releases unpaid locks whose time is up. */
export async function releaseExpiredLocks(): Promise<{ released: number }> {
  let released = 0;
  for (;;) {
    const n = await local.releaseExpiredInventory({ limit: 500 });
    released += n;
    if (n < 500) return { released };
  }
}
