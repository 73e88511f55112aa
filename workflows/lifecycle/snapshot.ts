import { patched, setHandler } from '@temporalio/workflow';
import { ORDER_STATUS, OPEN_REFUND_STATUSES, PATCH, SHIPPED_ORDER_STATUSES } from './constants.js';
import { platformSnapshot } from './definitions.js';
import { FINAL_STATES } from './phases.js';
import { closedUnpaidByHub } from '../states.js';
import type { OrderRun } from './run.js';
import type { AddressChangeInput, PlatformSnapshot } from './types.js';

/** The order as the paid copy tells it: what a new run starts from. */
export function orderAsCopied(order: OrderRun['input']['order'], snap: PlatformSnapshot): OrderRun['input']['order'] {
  const byLine = new Map(snap.lines.map((l) => [l.lineId, l]));
  return {
    ...order,
    status: snap.status,
    platformStatus: snap.platformStatus,
    ...(snap.updatedAt ? { updatedAt: snap.updatedAt } : {}),
    ...(snap.paidAt ? { paidAt: snap.paidAt } : {}),
    ...(snap.totals ? { totals: snap.totals } : {}),
    address: snap.address,
    lines: order.lines.map((l) => {
      const copy = byLine.get(l.lineId);
      return copy ? { ...l, refundStatus: copy.refundStatus } : l;
    }),
  };
}

/** The platform's later copies of the order: applied in order of their update time, stale ones noted and ignored. */
export function handlePlatformSnapshots(run: OrderRun): void {
  setHandler(platformSnapshot, (snap) => applySnapshot(run, snap));
}

type Address = AddressChangeInput['address'];
type Detail = NonNullable<Address['detail']>;

/**
 * Whether a platform copy names the same place. Platforms change how they send the street detail
 * over an order's life (Pinduoduo: ciphertext only until shipment, masked after), so the detail
 * is compared only in a form both copies carry; with none in common it is taken as unchanged,
 * never as a move (a masked copy must not re-issue a waybill).
 */
export function samePlace(a: Address, b: Address): boolean {
  const region = (x: Address) => JSON.stringify([x.country, x.province, x.city, x.district, x.street ?? null]);
  if (region(a) !== region(b)) return false;
  const da: Detail = a.detail ?? {};
  const db: Detail = b.detail ?? {};
  for (const form of ['plaintext', 'ciphertext', 'masked'] as const) {
    const x = da[form];
    const y = db[form];
    if (x && y) return x === y;
  }
  return true;
}

export function applySnapshot(run: OrderRun, snap: PlatformSnapshot): void {
  if (FINAL_STATES.includes(run.state)) {
    // Paid while the run, closed unpaid a moment ago, still writes its last view: the buyer paid,
    // and the intake already answered this copy as delivered to the order (see reopen.ts).
    if (closedUnpaidByHub(run.state, run.timeline) && (snap.status === ORDER_STATUS.PAID || snap.status === ORDER_STATUS.PAID_ON_HOLD)) run.paidWhileClosing = snap;
    return;
  }
  const newest = run.newestSnapshotAt;
  if (snap.updatedAt && newest && Date.parse(snap.updatedAt) < Date.parse(newest)) {
    run.note(`stale platform copy ignored: status ${snap.platformStatus} updated ${snap.updatedAt}, older than the ${newest} copy already applied`, 'platform');
    return;
  }
  if (snap.updatedAt) run.newestSnapshotAt = snap.updatedAt;
  applyPayment(run, snap);
  applyStatus(run, snap);
  applyRefunds(run, snap);
  // A changed address becomes the same queued change customer service makes; the last one wins.
  const pending = run.addressQueue[run.addressQueue.length - 1]?.input.address ?? run.order.address;
  if (!samePlace(pending, snap.address)) {
    run.addressQueue.push({ seq: ++run.addressSeq, input: { address: snap.address, source: 'platform', actor: run.order.source.channel } });
  }
}

/**
 * An order first seen unpaid keeps the first copy's paidAt (null) and totals unless the paid copy
 * brings them: the store, and the month's reconciliation that reads it, would never count its sale.
 */
function applyPayment(run: OrderRun, snap: PlatformSnapshot): void {
  if (!snap.paidAt || run.order.paidAt || !patched(PATCH.PAYMENT_FROM_PLATFORM_COPY)) return;
  run.order.paidAt = snap.paidAt;
  if (snap.totals) run.order.totals = snap.totals;
}

function applyStatus(run: OrderRun, snap: PlatformSnapshot): void {
  const say = (what: string) => run.note(`platform: ${what} (status ${snap.platformStatus})`, 'platform');
  switch (snap.status) {
    case ORDER_STATUS.CANCELLED:
    case ORDER_STATUS.CLOSED_BY_REFUND:
      if (run.cancelRequest) return;
      if (snap.status === ORDER_STATUS.CLOSED_BY_REFUND) run.order.status = snap.status;
      run.cancelRequest = { cause: `platform reports ${snap.status} (${snap.platformStatus})`, actor: 'platform' };
      say(snap.status === ORDER_STATUS.CANCELLED ? 'order cancelled' : 'order refunded and closed');
      return;
    case ORDER_STATUS.PAID:
    case ORDER_STATUS.PAID_ON_HOLD: {
      const hold = snap.status === ORDER_STATUS.PAID_ON_HOLD;
      if (!run.paid) {
        run.paid = true;
        run.paidVia = `platform status ${snap.platformStatus}`;
        say('paid');
      }
      if (hold !== run.platformHold) {
        run.platformHold = hold;
        say(hold ? 'shipping forbidden for now' : 'hold released, may ship');
      }
      return;
    }
    default:
      if (SHIPPED_ORDER_STATUSES.includes(snap.status) && !run.waybillNo && !run.shippedElsewhere) {
        run.shippedElsewhere = snap.status;
        say('shipped outside the hub');
      }
  }
}

/** Line refunds: an open request holds shipping; a refunded line no longer ships; a refused one resumes. */
function applyRefunds(run: OrderRun, snap: PlatformSnapshot): void {
  for (const l of snap.lines) {
    const line = run.order.lines.find((x) => x.lineId === l.lineId);
    if (!line || line.gift) continue;
    const open = OPEN_REFUND_STATUSES.includes(l.refundStatus);
    if (open) {
      if (run.openRefunds.has(l.lineId) || run.refundedLines.has(l.lineId)) continue;
      run.openRefunds.add(l.lineId);
      run.note(`platform: refund requested for line ${l.lineId} (${line.title})`, 'platform');
      continue;
    }
    const wasOpen = run.openRefunds.delete(l.lineId);
    if (l.refundStatus === 'refunded' && !run.refundedLines.has(l.lineId)) {
      run.refundedLines.add(l.lineId);
      run.note(`platform: line ${l.lineId} (${line.title}) refunded`, 'platform');
    } else if (wasOpen) {
      run.note(`platform: refund for line ${l.lineId} ended (${l.refundStatus}): it ships`, 'platform');
    }
  }
}
