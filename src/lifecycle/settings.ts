import type { HubConfig } from '../config/schema.js';
import { ADAPTER_KIND, CAPABILITY } from '../sdk/capabilities.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import type { LifecycleSettings, ShipmentConfirmSetting } from '../../workflows/order-lifecycle.js';
import { LIFECYCLE_EVENTS, ROUTER_CONNECTOR } from '../notify/events.js';

/**
 * The downstream settings a workflow starts with, as plain JSON. They are pinned into the
 * workflow input, so a config change never alters an order halfway through.
 */
export function lifecycleSettings(config: HubConfig, registry?: AdapterRegistry): LifecycleSettings | null {
  const l = config.lifecycle;
  if (!l.enabled) return null;
  const writeBacks = legacyErpWriteBacks(config);
  const confirms = registry ? shipmentConfirms(config, registry) : {};
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
    unpaidCloseHours: l.unpaidCloseHours,
    addressReissueFields: [...l.addressReissueFields],
    ...lifecycleNotify(config),
    shipByHours: l.shipByHours,
    ...(Object.keys(confirms).length ? { shipmentConfirm: confirms } : {}),
  };
}

/**
 * The settings of channels that ship with their own courier (`channels[].courier`), e.g. a Douyin
 * shop on the platform's e-waybill: the lifecycle's, with that courier and its mappings. Channels
 * without one are absent (they take the lifecycle's). A courier connector that cannot issue
 * waybills fails the start, naming the field.
 */
export function channelLifecycleSettings(config: HubConfig, base: LifecycleSettings | null, registry?: AdapterRegistry): Record<string, LifecycleSettings> {
  const out: Record<string, LifecycleSettings> = {};
  if (!base) return out;
  config.channels.forEach((ch, i) => {
    const c = ch.courier;
    if (!c || !ch.enabled) return;
    for (const [field, id] of [['connector', c.connector], ['remoteConnector', c.remoteConnector]] as const) {
      if (id && registry && !registry.supports(id, CAPABILITY.WAYBILL_CREATE)) throw new Error(`channels[${i}].courier.${field}: connector "${id}" does not offer waybill.create`);
    }
    out[ch.id] = {
      ...base,
      courier: c.connector,
      remoteCourier: c.remoteConnector ?? c.connector,
      mappings: { waybill: c.mappings.waybill ?? null, waybillUpdate: c.mappings.waybillUpdate ?? null, wms: c.mappings.wms ?? base.mappings.wms },
    };
  });
  return out;
}

/**
 * Who the lifecycle tells of holds: lifecycle.notify as configured; with notification routes for
 * the lifecycle's events and no `*` entry, the rest go to the router (which picks the route).
 */
function lifecycleNotify(config: HubConfig): Pick<LifecycleSettings, 'notify'> {
  const notify = { ...config.lifecycle.notify };
  if (!notify['*'] && config.notifications.routes.some((r) => LIFECYCLE_EVENTS.includes(r.event))) notify['*'] = ROUTER_CONNECTOR;
  return Object.keys(notify).length ? { notify } : {};
}

/**
 * Channels whose platform hears of each shipment: the channel's (or the configured) connector,
 * when it is a platform adapter offering shipment.confirm. A connector named explicitly that
 * cannot confirm fails the start, naming the field.
 */
export function shipmentConfirms(config: HubConfig, registry: AdapterRegistry): Record<string, ShipmentConfirmSetting> {
  const out: Record<string, ShipmentConfirmSetting> = {};
  config.channels.forEach((ch, i) => {
    const sc = ch.shipmentConfirm;
    const id = sc.connector ?? ch.connector;
    if (!sc.enabled || !ch.enabled || !id) return;
    const adapter = registry.adapterOf(id);
    const isPlatform = adapter !== undefined && registry.definition(adapter)?.manifest.kind === ADAPTER_KIND.PLATFORM;
    if (isPlatform && registry.supports(id, CAPABILITY.SHIPMENT_CONFIRM)) out[ch.id] = { connector: id, at: sc.at };
    else if (sc.connector) throw new Error(`channels[${i}].shipmentConfirm.connector: connector "${id}" is not a platform connector offering shipment.confirm`);
  });
  return out;
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
