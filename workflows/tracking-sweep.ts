import { proxyActivities } from '@temporalio/workflow';
import type { TrackingRobot, TrackRunResult } from '../src/tracking/robot.js';

export interface TrackingSweepInput {
  /** Parcels per activity call (KDNiao: one waybill per request, paced inside the call). */
  batchSize: number;
  /** Parcels per run at most; the rest wait for the next run. */
  maxPerRun: number;
  /** Read the WMS logistics sync first (单号补录). */
  backfill: boolean;
}

export interface TrackingSweepResult extends Omit<TrackRunResult, 'more'> {
  backfilled: number;
}

type RobotActivities = Pick<TrackingRobot, 'trackParcels' | 'backfillFromWms'>;
const robot = proxyActivities<RobotActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3, initialInterval: '5 seconds' },
});

/**
 * The tracking back-fill robot, run by a Temporal Schedule: first the WMS's shipments give
 * orders without a tracking number theirs, then the parcels due are queried on KDNiao in batches
 * and their orders moved to picked up and delivered.
 */
export async function trackingSweep(input: TrackingSweepInput): Promise<TrackingSweepResult> {
  const out: TrackingSweepResult = { backfilled: 0, checked: 0, pickedUp: 0, delivered: 0, stalled: 0, failed: 0 };
  if (input.backfill) out.backfilled = (await robot.backfillFromWms()).backfilled;
  while (out.checked < input.maxPerRun) {
    const r = await robot.trackParcels({ limit: Math.min(input.batchSize, input.maxPerRun - out.checked) });
    out.checked += r.checked;
    out.pickedUp += r.pickedUp;
    out.delivered += r.delivered;
    out.stalled += r.stalled;
    out.failed += r.failed;
    if (!r.more || r.checked === 0) break;
  }
  return out;
}
