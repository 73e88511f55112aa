import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signShopifyBody } from '../../adapters/shopify/webhook.js';
import { packageRoot } from '../../src/util/package-info.js';
import { SHOP, TEST_SECRET } from './hub.js';

export const SAMPLE_ORDER_TEXT = readFileSync(path.join(packageRoot(), 'mappings/shopify/__fixtures__/order.v1/paid-two-lines.input.json'), 'utf8');

/** The documented sample with a fresh order id, as raw text (ids stay exact). */
export function sampleOrder(orderId: string, patch: (o: string) => string = (o) => o): string {
  return patch(SAMPLE_ORDER_TEXT.replace('"id": 820982911946154508,', `"id": ${orderId},`));
}

export function shopifyRequest(body: string, opts: { secret?: string; webhookId?: string; topic?: string; shop?: string; hmac?: string } = {}): RequestInit {
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': opts.topic ?? 'orders/create',
      'x-shopify-shop-domain': opts.shop ?? SHOP,
      'x-shopify-webhook-id': opts.webhookId ?? crypto.randomUUID(),
      'x-shopify-api-version': '2025-10',
      'x-shopify-hmac-sha256': opts.hmac ?? signShopifyBody(body, opts.secret ?? TEST_SECRET),
    },
  };
}

let counter = 0;
/** Unique order ids beyond 2^53, like real Shopify/Taobao ids. */
export function newOrderId(): string {
  counter++;
  // 19 digits: 9 + 13-digit ms clock + 5-digit counter (no truncation, so never two alike in a run).
  return `9${Date.now()}${String(counter % 100_000).padStart(5, '0')}`;
}
