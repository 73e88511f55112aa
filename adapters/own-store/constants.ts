/** Values the definition needs without loading the implementation (see taobao/constants.ts). */
export const ADAPTER_ID = 'own-store';

/**
 * The signature headers, the same scheme as the legacy-ERP webhook (adapters/legacy-erp/signature.ts):
 * `X-Zhongshu-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>` with
 * `X-Zhongshu-Timestamp: <unix seconds>`. The hub signs its own callbacks to the shop the same way.
 */
export { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../legacy-erp/signature.js';

/** Sent with every callback so the shop can recognise a retried request (same key, same effect). */
export const IDEMPOTENCY_HEADER = 'x-zhongshu-idempotency-key';

/** Event types the shop sends; each carries the whole order. */
export const OWN_STORE_EVENTS = ['order.created', 'order.paid', 'order.updated', 'order.cancelled', 'order.refunded'] as const;
