import { z } from 'zod';
import { workflowIdFor } from '../intake/order-intake.js';
import { CAPABILITY } from '../sdk/capabilities.js';
import type { ShadowRecorder, ShadowWrite } from '../shadow/recorder.js';
import { UNPUSHED_EVENT, type TrackingReporter } from './courier.js';
import type { PlannedOrder } from './plan.js';

/** Where a shadow order stands downstream, as its recorded writes (oldest first) tell it. */
export interface ShadowStanding {
  /** The WMS push the lifecycle would have made: standing (live), undone (intercepted), or none. */
  wms: 'live' | 'intercepted' | null;
  /** When the standing push was recorded (epoch ms), null without one. */
  pushedAt: number | null;
  /** The waybill the order would now ship with: the last one issued and not cancelled. */
  waybillNo: string | null;
  /** Recorded writes by capability. */
  counts: Record<string, number>;
}

const WaybillAnswer = z.looseObject({ waybillNo: z.string().min(1) });

export function shadowStanding(writes: readonly ShadowWrite[]): ShadowStanding {
  const s: ShadowStanding = { wms: null, pushedAt: null, waybillNo: null, counts: {} };
  for (const w of writes) {
    s.counts[w.capability] = (s.counts[w.capability] ?? 0) + 1;
    if (w.capability === CAPABILITY.WMS_ORDER_PUSH) {
      s.wms = 'live';
      s.pushedAt = Date.parse(w.recordedAt);
    } else if (w.capability === CAPABILITY.WMS_ORDER_INTERCEPT) {
      s.wms = 'intercepted';
      s.pushedAt = null;
    } else if (w.capability === CAPABILITY.WAYBILL_CREATE) {
      const a = WaybillAnswer.safeParse(w.answer);
      s.waybillNo = a.success ? a.data.waybillNo : null;
    } else if (w.capability === CAPABILITY.WAYBILL_CANCEL) s.waybillNo = null;
  }
  return s;
}

/** How often the floor reads the recorder (a store query): parcels move in seconds, not ticks. */
const READ_EVERY_MS = 1_000;
/** A report the hub keeps refusing is tried this often, then left (and said once). */
const REPORT_TRIES = 5;

/**
 * The shadow channel's side of the shop floor. In a 双轨 run the old system ships the parcel; the
 * hub's shadow order never hears of it by itself (its waybill is a made-up SHADOW- number no
 * courier knows), so it would wait at pushed_to_wms until the pickup deadline, go to a person as
 * pickup overdue, and keep its stock handed to a WMS that never had the trade. The simulated
 * warehouse therefore tells the hub of the handover and the delivery against the shadow waybill
 * (the tracking API with a warehouse key, as it does for EMS), once the WMS push is recorded and
 * still standing, on the same delays as the courier floor: the order then runs its lifecycle to
 * the end as a live one would, and every write of it is recorded on the way.
 *
 * The scripts read it instead of the WMS and courier sandboxes for a shadow order (`wmsState`,
 * `pickedUp`). It shares the courier floor's heldBack (a refund is coming) and undelivered sets.
 */
export class ShadowFloor {
  private readonly byWorkflow: Map<string, PlannedOrder>;
  private readonly writes = new Map<string, ShadowWrite[]>();
  private readonly handedOver = new Map<string, { at: number; waybillNo: string }>();
  private readonly delivered = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readAt = 0;

  constructor(
    private readonly recorder: Pick<ShadowRecorder, 'list'>,
    readonly channel: string,
    orders: readonly PlannedOrder[],
    private readonly courier: { readonly heldBack: ReadonlySet<string>; readonly undelivered: ReadonlySet<string> },
    private readonly delays: { pickupMs: number; deliveryMs: number },
    private readonly report: TrackingReporter,
  ) {
    this.byWorkflow = new Map(orders.map((o) => [workflowIdFor(o.key), o]));
  }

  /** The order is one of the shadow channel's. */
  covers(o: PlannedOrder): boolean {
    return this.byWorkflow.has(workflowIdFor(o.key));
  }

  standing(key: string): ShadowStanding {
    return shadowStanding(this.writes.get(key) ?? []);
  }

  /** The warehouse told the hub the order's parcel was handed over. */
  pickedUp(key: string): boolean {
    return this.handedOver.has(key);
  }

  async refresh(): Promise<void> {
    const all = await this.recorder.list({ channel: this.channel });
    this.writes.clear();
    for (const w of all) {
      const o = this.byWorkflow.get(w.workflowId);
      if (!o) continue;
      const list = this.writes.get(o.key) ?? [];
      list.push(w);
      this.writes.set(o.key, list);
    }
  }

  async tick(now = Date.now()): Promise<void> {
    if (now - this.readAt >= READ_EVERY_MS) {
      await this.refresh();
      this.readAt = now;
    }
    const failed: string[] = [];
    for (const o of this.byWorkflow.values()) {
      const tries = this.failures.get(o.key) ?? 0;
      if (tries >= REPORT_TRIES || !this.writes.has(o.key)) continue;
      try {
        await this.move(o, now);
      } catch (err) {
        this.failures.set(o.key, tries + 1);
        failed.push(`${o.key}${tries + 1 === REPORT_TRIES ? ' (given up)' : ''}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (failed.length) throw new Error(`shadow floor: ${failed.join('; ')}`);
  }

  private async move(o: PlannedOrder, now: number): Promise<void> {
    const parcel = this.handedOver.get(o.key);
    if (parcel === undefined) {
      const s = this.standing(o.key);
      if (s.wms !== 'live' || s.pushedAt === null || !s.waybillNo || this.courier.heldBack.has(o.key) || now - s.pushedAt < this.delays.pickupMs) return;
      await this.report(o, UNPUSHED_EVENT.PICKED_UP, s.waybillNo, new Date(now).toISOString());
      this.handedOver.set(o.key, { at: now, waybillNo: s.waybillNo });
    } else if (!this.delivered.has(o.key) && !this.courier.undelivered.has(o.key) && now - parcel.at >= this.delays.deliveryMs) {
      await this.report(o, UNPUSHED_EVENT.DELIVERED, parcel.waybillNo, new Date(now).toISOString());
      this.delivered.add(o.key);
    }
  }
}
