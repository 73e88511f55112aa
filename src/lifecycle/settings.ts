import type { HubConfig } from '../config/schema.js';
import type { LifecycleSettings } from '../../workflows/order-lifecycle.js';

/**
 * The downstream settings a workflow starts with, as plain JSON. They are pinned into the
 * workflow input, so a config change never alters an order halfway through.
 */
export function lifecycleSettings(config: HubConfig): LifecycleSettings | null {
  const l = config.lifecycle;
  if (!l.enabled) return null;
  const writeBacks = legacyErpWriteBacks(config);
  return {
    warehouse: l.warehouse,
    courier: l.courier ?? null,
    remoteCourier: l.remoteCourier ?? null,
    wms: l.wms ?? null,
    mappings: { waybill: l.mappings.waybill ?? null, waybillUpdate: l.mappings.waybillUpdate ?? null, wms: l.mappings.wms ?? null },
    addressWindowMinutes: l.addressWindowMinutes,
    sender: { ...l.sender },
    unpaidLockMinutes: l.unpaidLockMinutes,
    onLockFailure: l.onLockFailure,
    lockRetrySeconds: l.lockRetrySeconds,
    pickupTimeoutHours: l.pickupTimeoutHours,
    retry: { ...l.retry },
    adapterRetry: Object.fromEntries(Object.entries(l.adapterRetry).map(([k, v]) => [k, { maximumAttempts: v.maximumAttempts }])),
    rules: true,
    stockPushPlatforms: [...l.stockSync.platforms],
    outageRetryMs: config.resilience.outageRetryMs ?? config.resilience.breakers.defaults.resetTimeout,
    ...(Object.keys(writeBacks).length ? { shipmentWriteBack: writeBacks } : {}),
  };
}

/** Legacy-ERP channels whose connector has a writeBack target: their orders' shipments go back to it. */
function legacyErpWriteBacks(config: HubConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ch of config.channels) {
    if (ch.adapter !== 'legacy-erp' || !ch.connector) continue;
    const conn = config.connectors.find((c) => c.id === ch.connector);
    if (conn?.config['writeBack']) out[ch.id] = conn.id;
  }
  return out;
}
