import { proxyActivities } from '@temporalio/workflow';
import type { WmsReturnsActivities, WmsReturnsResult } from '../src/after-sales/wms-returns.js';

const acts = proxyActivities<WmsReturnsActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3, initialInterval: '5 seconds' },
});

/**
 * Run by a Temporal Schedule (afterSales.returns.wms): the WMS's return stock-ins since the last
 * run become "return received" on their cases, each restocked exactly once.
 */
export async function wmsReturnsSweep(): Promise<WmsReturnsResult> {
  return acts.receiveWmsReturns();
}
