import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { orderKey as makeOrderKey } from '../canonical/order.js';
import type { ChannelConfig } from '../config/schema.js';
import { HttpError } from '../http/errors.js';
import { workflowIdFor, type OrderIntake } from '../intake/order-intake.js';
import type { InventoryPool } from '../inventory/pool.js';
import type { MappingEngine } from '../mapping/engine.js';
import type { QuarantineEntry } from '../store/quarantine.js';
import { parseJsonSafe } from '../util/json.js';
import { trackingEvent } from '../../workflows/order-lifecycle.js';
import { ErpEventEnvelope, mapErpEvent, type ErpCommand } from './events.js';

export interface DeliverDeps {
  temporal: Client;
  intake: OrderIntake;
  pool: InventoryPool;
  mappings: MappingEngine;
  /** Warehouse a stock.changed without one updates (the connector's webhook.warehouse, else lifecycle.warehouse). */
  defaultWarehouse: string;
}

export type Delivered = {
  result: 'started' | 'duplicate' | 'signalled' | 'stock_updated';
  orderKey?: string;
  detail?: string;
};

/**
 * Hands one mapped ERP command to where it belongs: an approved order to the intake (started,
 * or its news forwarded to the running workflow), a shipment to the order's workflow as the same
 * tracking signal courier pushes send, stock to the inventory pool (on-hand with its time, so an
 * older message never overwrites a newer figure).
 */
export async function deliverErpCommand(d: DeliverDeps, channel: ChannelConfig, cmd: ErpCommand, meta: { eventId: string; receivedAt: string; warehouse: string | null }): Promise<Delivered> {
  if (cmd.kind === 'order') {
    const res = await d.intake.accept({ channel, platform: 'legacy-erp', payload: cmd.order, rawBody: JSON.stringify(cmd.order), deliveryId: meta.eventId, receivedAt: meta.receivedAt, kind: 'webhook' });
    return { result: res.duplicate ? 'duplicate' : 'started', orderKey: res.orderKey };
  }
  if (cmd.kind === 'shipped') {
    const key = makeOrderKey(channel.id, cmd.orderNo);
    try {
      await d.temporal.workflow.getHandle(workflowIdFor(key)).signal(trackingEvent, { event: 'picked_up', at: cmd.at, waybillNo: cmd.trackingNo, source: `erp:${channel.id}${cmd.carrier ? `:${cmd.carrier}` : ''}` });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'unknown_order', `data.order_no: no order ${cmd.orderNo} in channel ${channel.id} (send order.approved first, or wait for the poll)`);
      throw err;
    }
    return { result: 'signalled', orderKey: key };
  }
  const warehouse = cmd.warehouse ?? meta.warehouse ?? d.defaultWarehouse;
  const asOf = cmd.at ? Date.parse(cmd.at) : Date.now();
  for (const it of cmd.items) await d.pool.setOnHand(warehouse, it.sku, it.onHand, asOf);
  return { result: 'stock_updated', detail: `${cmd.items.length} SKU(s) in ${warehouse}` };
}

/** Quarantine replay of a kept ERP event (after its mapping was fixed): same path as a fresh delivery. */
export async function replayErpEvent(d: DeliverDeps, channel: ChannelConfig, e: QuarantineEntry, warehouse: string | null): Promise<Delivered> {
  const env = ErpEventEnvelope.parse(parseJsonSafe(e.rawBody));
  const cmd = await mapErpEvent(d.mappings, e.mappingId, env);
  return deliverErpCommand(d, channel, cmd, { eventId: env.id, receivedAt: e.receivedAt, warehouse });
}
