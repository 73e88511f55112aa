import { z } from 'zod';
import { defineAdapter } from '../../src/sdk/define.js';
import { secret } from '../../src/sdk/connector-config.js';
import { shopifyManifest } from './manifest.js';
import { verifyShopifyHmac } from './webhook.js';

export const shopifyConfig = z
  .object({
    shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'expected <name>.myshopify.com'),
    webhookSecret: secret('App secret that signs webhooks (X-Shopify-Hmac-Sha256)'),
  })
  .strict();

/**
 * Shopify: inbound order webhooks. The HTTP route (src/http/routes/webhooks-shopify.ts) uses the
 * same verification; this definition is what the registry, docs and contract kit see.
 */
export default defineAdapter({
  manifest: {
    id: shopifyManifest.id,
    contractVersion: shopifyManifest.contractVersion,
    version: shopifyManifest.version,
    status: shopifyManifest.status,
    kind: shopifyManifest.kind,
    displayName: shopifyManifest.displayName,
    summary: shopifyManifest.summary,
    capabilities: [...shopifyManifest.capabilities],
    mappings: { inbound: [...shopifyManifest.mappings.inbound] },
    docs: 'https://shopify.dev/docs/apps/build/webhooks',
  },
  configSchema: shopifyConfig,
  create(config) {
    return {
      async testConnection() {
        return { ok: true, detail: `webhooks for ${config.shop} are verified with the configured secret` };
      },
      async invoke(capability) {
        throw new Error(`shopify: capability ${capability} is not implemented by this adapter`);
      },
      verifyWebhook(req) {
        return verifyShopifyHmac(req.rawBody, req.headers['x-shopify-hmac-sha256'], config.webhookSecret);
      },
      parseWebhook(req) {
        const payload: unknown = JSON.parse(Buffer.from(req.rawBody).toString('utf8'));
        const id = typeof payload === 'object' && payload !== null && 'id' in payload ? String(payload.id) : null;
        return [{ messageId: req.headers['x-shopify-webhook-id'] ?? '', topic: req.headers['x-shopify-topic'] ?? '', orderId: id, payload }];
      },
      async close() {},
    };
  },
});
