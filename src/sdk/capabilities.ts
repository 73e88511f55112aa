/** What an adapter can do. Workflows ask for a capability of a connector, never for an adapter. */
export const CAPABILITY = {
  ORDER_PULL: 'order.pull',
  /** One order's detail by platform order id: pushes that carry only ids (Douyin tags) are completed with it. */
  ORDER_GET: 'order.get',
  ORDER_WEBHOOK: 'order.webhook',
  /**
   * The platform's refunds / after-sales changed in a window (same `{window, page?}` input as
   * order.pull); answers `{refunds: unknown[], nextPage}`, each record as the platform sent it.
   */
  AFTER_SALES_PULL: 'aftersales.pull',
  SHIPMENT_CONFIRM: 'shipment.confirm',
  INVENTORY_PUSH: 'inventory.push',
  STOCK_QUERY: 'stock.query',
  WAYBILL_CREATE: 'waybill.create',
  WAYBILL_UPDATE: 'waybill.update',
  WAYBILL_CANCEL: 'waybill.cancel',
  TRACKING_QUERY: 'tracking.query',
  /** Registers a parcel with a tracking service that then pushes its traces (KDNiao 8008). */
  TRACKING_SUBSCRIBE: 'tracking.subscribe',
  SALES_ORDER_PUSH: 'sales-order.push',
  WMS_ORDER_PUSH: 'wms.order.push',
  WMS_ORDER_INTERCEPT: 'wms.order.intercept',
  LOGISTICS_SYNC: 'logistics.sync',
  /**
   * Returns the warehouse put in stock (退货入库) in a modified-time window: `{window, page?}` ->
   * `{returns: [{stockinNo, tid, modified, lines: [{tid, oid, sku, qty}]}], nextPage}`.
   */
  WMS_RETURNS_RECEIVED: 'wms.returns.received',
  ALERT_SEND: 'alert.send',
} as const;
export type Capability = (typeof CAPABILITY)[keyof typeof CAPABILITY];

export const ADAPTER_KIND = { PLATFORM: 'platform', ERP: 'erp', WMS: 'wms', COURIER: 'courier', NOTIFIER: 'notifier' } as const;
export type AdapterKind = (typeof ADAPTER_KIND)[keyof typeof ADAPTER_KIND];

export const ADAPTER_STATUS = { STABLE: 'stable', BETA: 'beta', EXPERIMENTAL: 'experimental' } as const;
export type AdapterStatus = (typeof ADAPTER_STATUS)[keyof typeof ADAPTER_STATUS];

/** The adapter contract this hub implements; an adapter built for another is refused at start. */
export const ADAPTER_CONTRACT_VERSION = 1;
