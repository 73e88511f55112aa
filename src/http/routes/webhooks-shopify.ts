import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { shopifyManifest } from '../../../adapters/shopify/manifest.js';
import { verifyShopifyHmac } from '../../../adapters/shopify/webhook.js';
import type { ChannelConfig } from '../../config/schema.js';
import { QuarantinedError, type OrderIntake } from '../../intake/order-intake.js';
import type { AppEnv } from '../types.js';
import type { Logger } from '../../logger.js';
import { parseJsonSafe } from '../../util/json.js';
import { errorMessage } from '../../util/errors.js';
import { HttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { refuseSignature, type SignatureGuard } from '../signature-guard.js';

export interface ShopifyWebhookDeps {
  channels: readonly ChannelConfig[];
  intake: OrderIntake;
  metrics: Metrics;
  logger: Logger;
  signatureGuard: SignatureGuard;
}

const ORDER_TOPICS: readonly string[] = shopifyManifest.orderTopics;

/** POST /webhooks/shopify: Shopify order webhooks (orders/create and friends). */
export function shopifyWebhookRoutes(d: ShopifyWebhookDeps) {
  const app = new Hono<AppEnv>();
  const reject = (reason: string, status: 400 | 401 | 422, message: string, log: Logger, c?: Context): never => {
    d.metrics.webhookRejections.inc({ adapter: 'shopify', reason });
    // Authentication failures are counted per source and summarised, never logged one by one.
    if (c) return refuseSignature(d.signatureGuard, c, 'shopify', reason, message);
    // The reason is logged, never the body (it carries buyer PII).
    log.warn({ adapter: 'shopify', reason }, `webhook rejected: ${message}`);
    throw new HttpError(status, reason, message);
  };

  app.post('/', async (c) => {
    const log = d.logger.child({ reqId: c.get('requestId') });
    const shop = c.req.header('x-shopify-shop-domain');
    const topic = c.req.header('x-shopify-topic') ?? 'orders/create';
    const deliveryId = c.req.header('x-shopify-webhook-id') ?? c.req.header('x-shopify-event-id') ?? null;
    const raw = new Uint8Array(await c.req.arrayBuffer());

    const candidates = d.channels.filter((ch) => ch.adapter === 'shopify' && ch.enabled && (!shop || ch.shop === shop));
    if (!shop && candidates.length !== 1) reject('unknown_shop', 401, 'X-Shopify-Shop-Domain is missing and more than one Shopify channel is configured', log, c);
    const channel = candidates[0];
    if (!channel) return reject('unknown_shop', 401, `no enabled Shopify channel for shop ${shop ?? '(none)'}`, log, c);

    const verdict = verifyShopifyHmac(raw, c.req.header('x-shopify-hmac-sha256'), channel.secret ?? '');
    if (!verdict.ok) reject(verdict.reason, 401, `X-Shopify-Hmac-Sha256: ${verdict.reason.replace(/_/g, ' ')}`, log, c);

    const bodyHash = createHash('sha256').update(raw).digest('hex');
    if (await d.intake.seenDelivery(channel.id, deliveryId, bodyHash)) {
      d.metrics.webhookDuplicates.inc({ adapter: 'shopify', by: 'delivery' });
      return c.json({ ok: true, duplicate: true }, 200);
    }
    if (!ORDER_TOPICS.includes(topic)) reject('unsupported_topic', 422, `X-Shopify-Topic: "${topic}" is not handled (expected one of ${ORDER_TOPICS.join(', ')})`, log);

    const rawText = Buffer.from(raw).toString('utf8');
    let payload: unknown;
    try {
      payload = parseJsonSafe(rawText);
    } catch (err) {
      return reject('invalid_json', 400, `body: not valid JSON (${errorMessage(err)})`, log);
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) reject('invalid_body', 422, 'body: expected a JSON object (a Shopify order)', log);

    try {
      const res = await d.intake.accept({ channel, platform: 'shopify', payload, rawBody: rawText, deliveryId, bodyHash, receivedAt: new Date().toISOString(), kind: 'webhook' });
      if (res.duplicate) d.metrics.webhookDuplicates.inc({ adapter: 'shopify', by: 'workflow' });
      log.info({ channel: channel.id, orderKey: res.orderKey, duplicate: res.duplicate, topic }, 'shopify order accepted');
      return c.json({ ok: true, orderKey: res.orderKey, workflowId: res.workflowId, duplicate: res.duplicate }, 200);
    } catch (err) {
      if (err instanceof QuarantinedError) {
        d.metrics.webhookRejections.inc({ adapter: 'shopify', reason: 'mapping_failed' });
        const m = err.mapping;
        throw new HttpError(422, 'mapping_failed', m.message, { mappingId: m.mappingId, code: m.code, issues: m.issues, quarantineId: err.quarantineId, kept: 'the raw payload is kept in quarantine for replay' });
      }
      throw err;
    }
  });
  return app;
}
