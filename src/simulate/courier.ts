import { carrierOrderId } from '../../adapters/_shared/waybill.js';
import { workflowIdFor } from '../intake/order-intake.js';
import type { SandboxWaybill } from '../sandbox/courier-kit.js';
import type { SandboxWorld } from '../sandbox/world.js';
import type { PlannedOrder } from './plan.js';

/** Waybills an order may issue (address changes re-issue); beyond this the invariants would not see them. */
const MAX_WAYBILLS_PER_ORDER = 8;

/**
 * Which order a courier waybill belongs to: the hub derives the carrier's order id from
 * `<workflow id>:waybill-<n>` (adapters/_shared/waybill.ts), so the simulator can compute it too.
 */
export class WaybillOwners {
  private readonly byCarrierId = new Map<string, PlannedOrder>();
  constructor(orders: readonly PlannedOrder[] = []) {
    this.add(orders);
  }
  /** Orders planned later (the demo plans batch by batch). */
  add(orders: readonly PlannedOrder[]): void {
    for (const o of orders) {
      for (let n = 1; n <= MAX_WAYBILLS_PER_ORDER; n++) {
        const key = `${workflowIdFor(o.key)}:waybill-${n}`;
        this.byCarrierId.set(carrierOrderId(key), o);
        this.byCarrierId.set(key, o);
      }
    }
  }
  owner(w: SandboxWaybill): PlannedOrder | undefined {
    return this.byCarrierId.get(w.orderId);
  }
}

export type CourierId = 'sf-express' | 'ems';

/**
 * The couriers' waybills `pred` picks (all when omitted). Only the picked ones are copied: the
 * floor and the scenario scripts ask several times a second, and copying every waybill of the day
 * each time starved the hub's own HTTP server in the same process.
 */
export function allWaybills(world: SandboxWorld, pred: (w: Readonly<SandboxWaybill>) => boolean = () => true): { courier: CourierId; w: SandboxWaybill }[] {
  const tag = (courier: CourierId, list: SandboxWaybill[]) => list.map((w) => ({ courier, w }));
  return [...tag('sf-express', world.sf.waybills(pred)), ...tag('ems', world.ems.waybills(pred))];
}

/** Tracking events a courier without route pushes cannot tell the hub itself. */
export const UNPUSHED_EVENT = { PICKED_UP: 'picked_up', DELIVERED: 'delivered' } as const;
export type UnpushedEvent = (typeof UNPUSHED_EVENT)[keyof typeof UNPUSHED_EVENT];
/** Reports one tracking event of an order to the hub (the simulator posts it to the tracking API). */
export type TrackingReporter = (o: PlannedOrder, event: UnpushedEvent, waybillNo: string, at: string) => Promise<void>;

/**
 * The warehouse floor and the courier: a parcel is picked up only once the WMS holds a live
 * trade for it (an intercepted or never-pushed order is not handed over), `pickupMs` after its
 * waybill was issued; it is delivered `deliveryMs` after pickup. Orders in `heldBack` wait (a
 * refund is on its way to them); orders in `undelivered` stay in transit. The courier sandboxes push each step to the hub themselves; the
 * WMS sandbox records the shipment (its stock goes down, as the hub's pool learns from it).
 *
 * SF pushes its routes to the hub; EMS pushes nothing (its contract only answers tracking.query,
 * which the hub does not poll yet). Until a tracking source for EMS lands (KDNiao's robot), the
 * warehouse tells the hub of an EMS handover and its delivery through `reportUnpushed`, which
 * the simulator wires to POST /api/orders/:key/tracking with a warehouse key, as the shop's staff
 * would with today's hub. Without it EMS parcels are handed over but the hub never hears of it.
 */
export class CourierFloor {
  readonly heldBack = new Set<string>();
  /** Orders whose parcel, once picked up, is not delivered until removed (a refund after pickup is on its way). */
  readonly undelivered = new Set<string>();
  private readonly reported = new Set<string>();
  constructor(
    private readonly world: SandboxWorld,
    readonly owners: WaybillOwners,
    private readonly delays: { pickupMs: number; deliveryMs: number },
    private readonly reportUnpushed: TrackingReporter | null = null,
  ) {}

  /**
   * Parcels whose move (and the carrier's push of it) is under way. A push the hub asks to retry
   * later waits its Retry-After: awaited one by one in the tick, one such push stalled every other
   * parcel of the floor (and the shops' polls) for its whole retry.
   */
  private readonly moving = new Map<string, Promise<void>>();
  private failures: string[] = [];

  private move(waybillNo: string, step: () => Promise<unknown>): void {
    const p = step()
      .then(
        () => undefined,
        (err: unknown) => void this.failures.push(`${waybillNo}: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => this.moving.delete(waybillNo));
    this.moving.set(waybillNo, p);
  }

  /** Resolves once no parcel move started by a tick is still under way. */
  async idle(): Promise<void> {
    while (this.moving.size > 0) await Promise.allSettled([...this.moving.values()]);
  }

  async tick(now = Date.now()): Promise<void> {
    const couriers: Record<CourierId, { pickUp(no: string): Promise<unknown>; deliver(no: string): Promise<unknown> }> = { 'sf-express': this.world.sf, ems: this.world.ems };
    for (const { courier, w } of allWaybills(this.world, (w) => w.status === 'live' && w.stage !== 'delivered' && !this.moving.has(w.waybillNo))) {
      const o = this.owners.owner(w);
      if (!o) continue;
      const c = couriers[courier];
      if (w.stage === 'created') {
        const trade = this.world.wdt.trade(o.id);
        if (!trade || trade.state !== 'live' || this.heldBack.has(o.key)) continue;
        if (now - Date.parse(w.createdAt) < this.delays.pickupMs) continue;
        // The warehouse hands the parcel over: its stock goes down and the shipment waits for sync-back.
        this.world.wdt.ship(o.id, { logisticsNo: w.waybillNo, logisticsCode: courier === 'ems' ? 'EMS' : 'SF' });
        this.move(w.waybillNo, () => c.pickUp(w.waybillNo));
      } else if (w.stage === 'picked_up' && w.pickedUpAt && !this.undelivered.has(o.key) && now - Date.parse(w.pickedUpAt) >= this.delays.deliveryMs) {
        this.move(w.waybillNo, () => c.deliver(w.waybillNo));
      }
    }
    if (this.reportUnpushed) await this.reportEms(this.reportUnpushed);
    if (this.failures.length > 0) {
      const failed = this.failures.splice(0);
      throw new Error(`courier moves failed: ${failed.join('; ')}`);
    }
  }

  /** Reports each EMS pickup and delivery once the hub took it; a failed report is tried again next tick. */
  private async reportEms(report: TrackingReporter): Promise<void> {
    const unreported = (w: Readonly<SandboxWaybill>) => w.status === 'live' && ((w.pickedUpAt !== null && !this.reported.has(`${w.waybillNo}:${UNPUSHED_EVENT.PICKED_UP}`)) || (w.deliveredAt !== null && !this.reported.has(`${w.waybillNo}:${UNPUSHED_EVENT.DELIVERED}`)));
    for (const w of this.world.ems.waybills(unreported)) {
      const o = this.owners.owner(w);
      if (!o) continue;
      const due: [UnpushedEvent, string | null][] = [
        [UNPUSHED_EVENT.PICKED_UP, w.pickedUpAt],
        [UNPUSHED_EVENT.DELIVERED, w.deliveredAt],
      ];
      for (const [event, at] of due) {
        const key = `${w.waybillNo}:${event}`;
        if (!at || this.reported.has(key)) continue;
        await report(o, event, w.waybillNo, at);
        this.reported.add(key);
      }
    }
  }
}
