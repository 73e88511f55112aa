import { createHash } from 'node:crypto';
import { CAPABILITY, type Capability } from '../sdk/capabilities.js';
import { SHADOW_PREFIX } from './mode.js';

/**
 * The downstream writes a shadow channel records instead of sending. Reads (order.get, stock.query,
 * tracking.query...) still go to the real systems.
 */
export const SHADOW_WRITES: ReadonlySet<Capability> = new Set<Capability>([
  CAPABILITY.WAYBILL_CREATE,
  CAPABILITY.WAYBILL_UPDATE,
  CAPABILITY.WAYBILL_CANCEL,
  CAPABILITY.WMS_ORDER_PUSH,
  CAPABILITY.WMS_ORDER_INTERCEPT,
  CAPABILITY.SHIPMENT_CONFIRM,
  CAPABILITY.SALES_ORDER_PUSH,
  CAPABILITY.INVENTORY_PUSH,
]);

/** A stable made-up number per idempotency key: a retried step gets the same waybill. */
function shadowNumber(idempotencyKey: string): string {
  return `${SHADOW_PREFIX}${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12).toUpperCase()}`;
}

/**
 * What the workflow is told a recorded write answered: shaped like the real systems' answers the
 * lifecycle reads (a waybill number, a carrier order id), and marked `shadow: true` so no one takes
 * it for a live one.
 */
export function shadowAnswer(capability: Capability, idempotencyKey: string): Record<string, unknown> {
  if (capability === CAPABILITY.WAYBILL_CREATE) return { shadow: true, waybillNo: shadowNumber(idempotencyKey), orderId: idempotencyKey };
  if (capability === CAPABILITY.SHIPMENT_CONFIRM) return { shadow: true, confirmed: true };
  return { shadow: true, accepted: true };
}
