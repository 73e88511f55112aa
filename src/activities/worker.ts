import { createAfterSalesActivities, type AfterSalesActivityDeps } from '../after-sales/activities.js';
import { createNotifyActivities, type NotifyActivityDeps } from '../notify/activities.js';
import { createPollingActivities, type PollingActivityDeps } from '../polling/activities.js';
import type { TrackingRobot } from '../tracking/robot.js';
import { createActivities, type ActivityDeps } from './index.js';

export interface WorkerActivityDeps {
  /** The order lifecycle's activities (adapters, inventory, rules, the legacy-ERP poller). */
  order: ActivityDeps;
  polling: PollingActivityDeps;
  afterSales: AfterSalesActivityDeps;
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
    ...createPollingActivities(d.polling),
    ...createActivities(d.order),
    trackParcels: d.tracking.trackParcels,
    backfillFromWms: d.tracking.backfillFromWms,
    ...createNotifyActivities(d.notify),
  };
}
