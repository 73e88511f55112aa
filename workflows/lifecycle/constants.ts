import type { Capability } from '../../src/sdk/capabilities.js';

/**
 * Patch ids of the order lifecycle. Each names a behaviour change; histories recorded before it
 * replay the old path. Never rename or reuse one.
 */
export const PATCH = {
  ADDRESS_CHANGE_DEBOUNCE: 'address-change-debounce',
  WAIT_OUT_OUTAGES: 'wait-out-outages',
  OUTAGE_RETRIES_BY_SERVER: 'outage-retries-by-server',
  ERP_SHIPMENT_WRITE_BACK: 'erp-shipment-write-back',
  ERP_WRITE_BACK_WAITS_OUT_OUTAGES: 'erp-write-back-waits-out-outages',
  STOCK_PUSH_ON_DEPLETION: 'stock-push-on-depletion',
} as const;

/**
 * The capabilities the lifecycle asks of connectors. Workflow code may not import the SDK's
 * CAPABILITY values, so the ones it uses are repeated here and checked against its type.
 */
export const CAP = {
  WAYBILL_CREATE: 'waybill.create',
  WAYBILL_UPDATE: 'waybill.update',
  WAYBILL_CANCEL: 'waybill.cancel',
  WMS_ORDER_PUSH: 'wms.order.push',
  WMS_ORDER_INTERCEPT: 'wms.order.intercept',
  SHIPMENT_CONFIRM: 'shipment.confirm',
} as const satisfies Record<string, Capability>;

/** Failure types an activity raises for a business refusal: retrying cannot help. */
export const FAILURE_TYPE = {
  ADAPTER_REJECTED: 'AdapterRejected',
  CAPABILITY_NOT_SUPPORTED: 'CapabilityNotSupported',
  MAPPING_FAILED: 'MappingFailed',
  NOT_CONFIGURED: 'NotConfigured',
  UNKNOWN_CAPABILITY: 'UnknownCapability',
} as const;
export const NON_RETRYABLE_TYPES: readonly string[] = Object.values(FAILURE_TYPE);

/** Hold reasons the lifecycle itself raises (rules add their own codes). */
export const HOLD_REASON = {
  INSUFFICIENT_STOCK: 'insufficient_stock',
  PICKUP_OVERDUE: 'pickup_overdue',
  COMPENSATION_FAILED: 'compensation_failed',
  ADDRESS_CHANGE_REVIEW: 'address_change_review',
  DOWNSTREAM_UNAVAILABLE: 'downstream_unavailable',
} as const;

/** Changes arriving within this time of each other are applied once, with the last address. */
export const ADDRESS_DEBOUNCE_MS = 2000;
