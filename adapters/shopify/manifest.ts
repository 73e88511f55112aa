/**
 * The Shopify platform adapter's manifest. Issue #6 turns this into the full SDK shape
 * (defineAdapter, config schema, capabilities); the webhook slice already reads it.
 */
export const shopifyManifest = {
  id: 'shopify',
  contractVersion: 1,
  version: '0.1.0',
  status: 'beta',
  kind: 'platform',
  displayName: 'Shopify',
  summary:
    'Shopify orders/create webhooks verified by HMAC-SHA256 and mapped to canonical orders; inventory.push sets the available quantity of each listed SKU at the configured location (Admin REST inventory_levels/set.json, X-Shopify-Access-Token; 429/5xx retried, 404/422 reported per SKU); shipment.confirm fulfils the open fulfillment orders of an order with the tracking company and number (fulfillment_orders.json, fulfillments.json; nothing open is refused unless a fulfillment already carries the number).',
  capabilities: ['order.webhook', 'inventory.push', 'shipment.confirm'],
  mappings: { inbound: ['shopify/order.v1'] },
  /** Topics whose body is a full REST order. */
  orderTopics: ['orders/create', 'orders/paid', 'orders/updated', 'orders/cancelled'],
} as const;
