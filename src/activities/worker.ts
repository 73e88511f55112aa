import { createAfterSalesActivities, type AfterSalesActivityDeps } from '../after-sales/activities.js';
import { createAfterSalesPullActivities, type AfterSalesPullDeps } from '../after-sales/pull.js';
import { createWmsReturnsActivities, type WmsReturnsDeps } from '../after-sales/wms-returns.js';
import { createNotifyActivities, type NotifyActivityDeps } from '../notify/activities.js';
import { createPollingActivities, type PollingActivityDeps } from '../polling/activities.js';
import type { TrackingRobot } from '../tracking/robot.js';
import { createActivities, type ActivityDeps } from './index.js';

export interface WorkerActivityDeps {
  /** The order lifecycle's activities (adapters, inventory, rules, the legacy-ERP poller). */
  order: ActivityDeps;
  polling: PollingActivityDeps;
  afterSales: AfterSalesActivityDeps;
  /** Platform after-sales read by each channel's poll (aftersales.pull). */
  afterSalesPull: AfterSalesPullDeps;
  /** The WMS's return stock-ins, swept on a schedule. */
  wmsReturns: WmsReturnsDeps;
  notify: NotifyActivityDeps;
  tracking: Pick<TrackingRobot, 'trackParcels' | 'backfillFromWms'>;
}

/**
 * Every activity a hub worker registers, assembled in this one place: the order, poll,
 * after-sales, tracking and notification workflows all run on the same worker and task queue.
 */
export function createWorkerActivities(d: WorkerActivityDeps) {
  return {
    ...createAfterSalesActivities(d.afterSales),
    ...createAfterSalesPullActivities(d.afterSalesPull),
    ...createWmsReturnsActivities(d.wmsReturns),
    ...createPollingActivities(d.polling),
    ...createActivities(d.order),
    trackParcels: d.tracking.trackParcels,
    backfillFromWms: d.tracking.backfillFromWms,
    ...createNotifyActivities(d.notify),
  };
}
