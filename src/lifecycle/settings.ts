import type { HubConfig } from '../config/schema.js';
import type { LifecycleSettings } from '../../workflows/order-lifecycle.js';

/**
 * The downstream settings a workflow starts with, as plain JSON. They are pinned into the
 * workflow input, so a config change never alters an order halfway through.
 */
export function lifecycleSettings(config: HubConfig): LifecycleSettings | null {
  const l = config.lifecycle;
  if (!l.enabled) return null;
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
  };
}
