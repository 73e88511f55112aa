import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Redis } from 'ioredis';
import type { ChannelConfig } from '../../config/schema.js';
import { QuarantinedError, type OrderIntake } from '../../intake/order-intake.js';
import type { Logger } from '../../logger.js';
import type { AdapterRegistry } from '../../sdk/registry.js';
import { CAPABILITY } from '../../sdk/capabilities.js';
import { WebhookBodyError, type AdapterInstance, type WebhookEvent, type WebhookReply } from '../../sdk/define.js';
import { AdapterError } from '../../sdk/errors.js';
import { guardCall, type ResilienceLayers } from '../../resilience/index.js';
import { errorMessage } from '../../util/errors.js';
import { HttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { CaseIntake } from '../../after-sales/intake.js';
import { CASE_FROM_PUSH } from '../../after-sales/platforms/index.js';
import type { AfterSalesCaseInput } from '../../../workflows/after-sales/types.js';
import type { AppEnv } from '../types.js';
import { refuseSignature, type SignatureGuard } from '../signature-guard.js';

/** The acknowledgement Youzan and Douyin both expect; anything else makes them push again. */
const ACK = { code: 0, msg: 'success' } as const;

/** The adapter's own acknowledgement when it declares one (Kuaishou, WeChat), else {@link ACK}. */
function acknowledge(reply: WebhookReply | undefined): Response {
  if (!reply) return Response.json(ACK);
  return new Response(reply.body, { status: 200, headers: { 'content-type': `${reply.contentType};charset=utf-8` } });
}

function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}

function orderOf(payload: unknown): unknown {
  return typeof payload === 'object' && payload !== null && 'order' in payload ? payload.order : undefined;
}

/**
 * Platforms expect a push answered within a few seconds; a detail fetch that takes longer is
 * retried by their re-push. Through the hub's breakers the deadline is the breaker's own
 * (`order.get`, 3 s by default) so a hanging API counts against the circuit; this is the bound
 * without them.
 */
const DETAIL_TIMEOUT_MS = 3000;
/** Through the breakers: the caller's outer bound, past the breaker's deadline (a wait for a rate-limit token comes first). */
const DETAIL_OUTER_BOUND_MS = 4500;

/**
 * The order a push only names (Douyin tags carry the parent order id, nothing else), fetched
 * with the connector's order.get. A transient failure answers 503 so the platform pushes again
 * (the message is not marked seen); a refusal (order gone, no permission) returns undefined:
 * acknowledged, logged and counted, and the channel's poll still reads the order by update time.
 */
async function fetchPushedOrder(a: {
  instance: AdapterInstance;
  adapter: string;
  connector: string;
  channel: string;
  orderId: string;
  messageId: string;
  logger: Logger;
  resilience: ResilienceLayers | undefined;
}): Promise<unknown> {
  const log = a.logger.child({ adapter: a.adapter, channel: a.channel, messageId: a.messageId });
  const input = { orderId: a.orderId };
  const fetchOrder = (signal: AbortSignal) => a.instance.invoke(CAPABILITY.ORDER_GET, input, { signal, idempotencyKey: `push:${a.channel}:${a.messageId}`, logger: log, heartbeat() {} });
  try {
    // Through the same breaker and rate limit as the connector's other calls: a burst of pushes
    // during a platform outage fails fast (503, pushed again later) instead of each waiting out
    // its deadline, and the fetches spend the app's API quota like the polls do. Never stale: an
    // order detail decides what the workflow is told.
    if (!a.resilience) return await fetchOrder(AbortSignal.timeout(DETAIL_TIMEOUT_MS));
    return (await guardCall(a.resilience, { connector: a.connector, capability: CAPABILITY.ORDER_GET }, input, AbortSignal.timeout(DETAIL_OUTER_BOUND_MS), fetchOrder, { allowStale: false })).value;
  } catch (err) {
    if (err instanceof AdapterError && !err.retryable) {
      log.warn({ code: err.code, orderId: a.orderId }, `pushed order could not be fetched: ${err.message}`);
      return undefined;
    }
    log.warn({ err: errorMessage(err) }, 'pushed order fetch failed; the platform will push again');
    throw new HttpError(503, 'platform_unavailable', `the order named by message ${a.messageId} could not be fetched right now; retry later`, undefined, { 'Retry-After': '10' });
  }
}

/** After-sales messages become cases; Temporal not answering is a 503, so the platform pushes again. */
async function openCase(cases: CaseIntake, input: AfterSalesCaseInput, logger: Logger): Promise<string> {
  try {
    const r = await cases.open(input);
    return r.delivered ? `case ${r.caseKey}` : `case ${r.caseKey} already closed`;
  } catch (err) {
    logger.warn({ caseKey: input.caseKey, err: errorMessage(err) }, 'after-sales case not opened; the platform will push again');
    throw new HttpError(503, 'temporal_unavailable', `after-sales case ${input.caseKey} could not be opened right now; retry later`, undefined, { 'Retry-After': '10' });
  }
}

/**
 * POST /webhooks/:adapter/:channel for platforms whose adapter verifies and parses its own
 * pushes (Youzan, Douyin). Each message is deduplicated by its id; a message that carries the
 * order is mapped and started like any webhook; one that only names an order is completed with
 * the connector's order.get (Douyin) and then handled the same way (a known order's status and
 * address changes reach its workflow through intake), or, without order.get, left to the
 * channel's pull. After-sales messages (Douyin tags 200-227, Youzan trade_refund_*) open or
 * update their case. Messages about no order are acknowledged, logged and counted. A delivery is
 * acknowledged only when every message in it is stored.
 */
export function platformWebhookRoutes(d: {
  channels: readonly ChannelConfig[];
  registry: AdapterRegistry;
  intake: OrderIntake;
  redis: Redis;
  keyPrefix: string;
  dedupeTtlSeconds: number;
  metrics: Metrics;
  logger: Logger;
  resilience?: ResilienceLayers | undefined;
  signatureGuard: SignatureGuard;
  /** Absent: after-sales messages are acknowledged and counted as unhandled, as before cases existed. */
  cases?: CaseIntake | undefined;
}) {
  const app = new Hono<AppEnv>();
  // The platform's URL check when a push URL is saved (WeChat sends GET with echostr).
  app.get('/:adapter/:channel', async (c) => {
    const adapter = c.req.param('adapter');
    const channel = d.channels.find((ch) => ch.id === c.req.param('channel') && ch.adapter === adapter && ch.enabled);
    if (!channel?.connector) throw new HttpError(404, 'unknown_channel', `no enabled ${adapter} channel "${c.req.param('channel')}"`);
    const { instance } = await d.registry.connector(channel.connector);
    if (!instance.answerWebhookChallenge) throw new HttpError(404, 'no_challenge', `adapter ${adapter} has no URL check`);
    const answer = instance.answerWebhookChallenge({ headers: Object.fromEntries([...c.req.raw.headers.entries()]), rawBody: new Uint8Array(), query: queryOf(c.req.url) });
    if (answer === null) {
      d.metrics.webhookRejections.inc({ adapter, reason: 'invalid_challenge' });
      return refuseSignature(d.signatureGuard, c, adapter, 'invalid_challenge', 'signature: invalid challenge');
    }
    return c.text(answer);
  });
  app.post('/:adapter/:channel', async (c) => {
    const adapter = c.req.param('adapter');
    const channel = d.channels.find((ch) => ch.id === c.req.param('channel') && ch.adapter === adapter && ch.enabled);
    if (!channel?.connector) throw new HttpError(404, 'unknown_channel', `no enabled ${adapter} channel "${c.req.param('channel')}"`);
    const { instance } = await d.registry.connector(channel.connector);
    return handleDelivery(c, adapter, channel, instance);
  });
  // Platforms that post every shop's deliveries to one URL (Shopify): /webhooks/<adapter>, the
  // channel found by the shop the delivery names. One route per such adapter, so metrics name it.
  for (const m of d.registry.list()) {
    const def = d.registry.definition(m.id);
    const wc = def?.webhookChannel;
    if (!wc) continue;
    const adapter = m.id;
    app.post(`/${adapter}`, async (c) => {
      const shop = wc.shop({ headers: Object.fromEntries([...c.req.raw.headers.entries()]), rawBody: new Uint8Array() });
      const candidates = d.channels.filter((ch) => ch.adapter === adapter && ch.enabled && (!shop || ch.shop === shop));
      const unknownShop = (message: string) => {
        d.metrics.webhookRejections.inc({ adapter, reason: 'unknown_shop' });
        return refuseSignature(d.signatureGuard, c, adapter, 'unknown_shop', message);
      };
      if (!shop && candidates.length !== 1) return unknownShop(`the delivery names no shop and ${candidates.length} ${adapter} channels are configured`);
      const channel = candidates[0];
      if (!channel) return unknownShop(`no enabled ${adapter} channel for shop ${shop ?? '(none)'}`);
      const instance = channel.connector
        ? (await d.registry.connector(channel.connector)).instance
        : await d.registry.channelInstance(channel.id, adapter, wc.config({ shop: channel.shop, secret: channel.secret ?? '' })).catch((err: unknown) => {
            throw new HttpError(503, 'channel_misconfigured', `channel ${channel.id}: ${errorMessage(err)}`);
          });
      return handleDelivery(c, adapter, channel, instance);
    });
  }

  async function handleDelivery(c: Context<AppEnv>, adapter: string, channel: ChannelConfig, instance: AdapterInstance): Promise<Response> {
    if (!instance.verifyWebhook || !instance.parseWebhook) throw new HttpError(404, 'no_webhooks', `adapter ${adapter} does not take webhooks`);
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    const headers = Object.fromEntries([...c.req.raw.headers.entries()]);
    const query = queryOf(c.req.url);
    const verdict = instance.verifyWebhook({ headers, rawBody, query });
    if (!verdict.ok) {
      d.metrics.webhookRejections.inc({ adapter, reason: verdict.reason });
      return refuseSignature(d.signatureGuard, c, adapter, verdict.reason, `signature: ${verdict.reason.replace(/_/g, ' ')}`);
    }
    // Message ids are not always signed (Youzan's msg_id is not): a captured push replayed under
    // a fresh id is caught by the hash of what the signature covers.
    const signed = verdict.signed === undefined ? rawBody : verdict.signed;
    const bodyHash = signed ? createHash('sha256').update(signed).digest('hex') : null;
    if (await d.intake.seenDelivery(channel.id, null, bodyHash)) {
      d.metrics.webhookDuplicates.inc({ adapter, by: 'body' });
      return instance.webhookAnswersWithResult ? c.json({ ok: true, duplicate: true }, 200) : acknowledge(instance.webhookReply);
    }
    let events;
    try {
      events = instance.parseWebhook({ headers, rawBody, query });
    } catch (err) {
      const code = err instanceof WebhookBodyError ? err.code : 'invalid_body';
      d.metrics.webhookRejections.inc({ adapter, reason: code });
      throw new HttpError(400, code, err instanceof WebhookBodyError ? err.message : `body: ${errorMessage(err)}`);
    }
    if (instance.webhookAnswersWithResult) return answerWithResult(c, adapter, channel, events, bodyHash);
    // Only a channel with its connector can fetch the order a push merely names.
    const connector = channel.connector;
    const results: { messageId: string; result: string }[] = [];
    for (const ev of events) {
      const seenKey = `${d.keyPrefix}delivery:${channel.id}:${ev.messageId}`;
      if ((await d.redis.exists(seenKey).catch(() => 0)) === 1) {
        d.metrics.webhookDuplicates.inc({ adapter, by: 'delivery' });
        results.push({ messageId: ev.messageId, result: 'duplicate' });
        continue;
      }
      let order = orderOf(ev.payload);
      const asCase = d.cases ? CASE_FROM_PUSH[adapter]?.({ channel, event: ev }) ?? null : null;
      if (asCase instanceof Error) {
        d.metrics.webhookRejections.inc({ adapter, reason: 'invalid_after_sale' });
        throw new HttpError(400, 'invalid_after_sale', `message ${ev.messageId}: ${asCase.message}`);
      }
      if (asCase && d.cases) {
        results.push({ messageId: ev.messageId, result: await openCase(d.cases, asCase, d.logger) });
      } else if (ev.topic === 'test') {
        results.push({ messageId: ev.messageId, result: 'test' });
      } else if (order === undefined && !ev.orderId) {
        // A tag the hub does not act on (after-sales, a tag added after this release): acknowledged
        // so the platform stops pushing it, but never dropped silently.
        d.metrics.webhookUnhandled.inc({ adapter, topic: ev.topic });
        d.logger.warn({ adapter, channel: channel.id, messageId: ev.messageId, topic: ev.topic }, 'pushed message acknowledged but not handled');
        results.push({ messageId: ev.messageId, result: 'unhandled' });
      } else if (order === undefined && (!connector || !d.registry.supports(connector, CAPABILITY.ORDER_GET))) {
        results.push({ messageId: ev.messageId, result: 'noted' });
      } else {
        if (order === undefined && ev.orderId && connector) {
          order = await fetchPushedOrder({ instance, adapter, connector, channel: channel.id, orderId: ev.orderId, messageId: ev.messageId, logger: d.logger, resilience: d.resilience });
          if (order === undefined) {
            d.metrics.webhookUnhandled.inc({ adapter, topic: 'detail_unavailable' });
            results.push({ messageId: ev.messageId, result: 'detail_unavailable' });
            await d.redis.set(seenKey, '1', 'EX', d.dedupeTtlSeconds).catch(() => undefined);
            continue;
          }
        }
        try {
          const res = await d.intake.accept({ channel, platform: adapter, payload: order, rawBody: JSON.stringify(order), deliveryId: ev.messageId, receivedAt: new Date().toISOString(), kind: 'webhook' });
          results.push({ messageId: ev.messageId, result: res.duplicate ? 'duplicate' : `started ${res.orderKey}` });
        } catch (err) {
          // Kept in quarantine: acknowledged, so the platform does not push a poison message forever.
          if (err instanceof QuarantinedError) results.push({ messageId: ev.messageId, result: `quarantined ${err.quarantineId}` });
          else throw err;
        }
      }
      await d.redis.set(seenKey, '1', 'EX', d.dedupeTtlSeconds).catch(() => undefined);
    }
    // Only now, with every message stored: a delivery that failed part-way is processed again.
    await d.intake.rememberDelivery(channel.id, null, bodyHash);
    d.logger.info({ adapter, channel: channel.id, results }, 'platform webhook processed');
    return acknowledge(instance.webhookReply);
  }

  /**
   * A delivery of one event whose platform reads the answer as a status (Shopify): the order
   * started (or found), the case opened, or a 4xx naming what the hub could not take.
   */
  async function answerWithResult(c: Context<AppEnv>, adapter: string, channel: ChannelConfig, events: WebhookEvent[], bodyHash: string | null): Promise<Response> {
    const ev = events[0];
    if (!ev || events.length !== 1) throw new HttpError(400, 'invalid_body', `body: expected one event, got ${events.length}`);
    const log = d.logger.child({ reqId: c.get('requestId') });
    const deliveryId = ev.messageId || null;
    if (await d.intake.seenDelivery(channel.id, deliveryId, null)) {
      d.metrics.webhookDuplicates.inc({ adapter, by: 'delivery' });
      return c.json({ ok: true, duplicate: true }, 200);
    }
    const asCase = d.cases ? CASE_FROM_PUSH[adapter]?.({ channel, event: ev }) ?? null : null;
    if (asCase instanceof Error) {
      d.metrics.webhookRejections.inc({ adapter, reason: 'invalid_refund' });
      throw new HttpError(422, 'invalid_refund', asCase.message);
    }
    if (asCase && d.cases) {
      const r = await d.cases.open(asCase);
      await d.intake.rememberDelivery(channel.id, deliveryId, bodyHash, r.caseKey);
      log.info({ adapter, channel: channel.id, caseKey: r.caseKey, delivered: r.delivered }, 'pushed after-sale reached its case');
      return c.json({ ok: true, caseKey: r.caseKey, duplicate: !r.delivered }, 200);
    }
    const order = orderOf(ev.payload);
    if (order === undefined) {
      d.metrics.webhookRejections.inc({ adapter, reason: 'unsupported_topic' });
      throw new HttpError(422, 'unsupported_topic', `topic "${ev.topic}" is not handled: it carries no order`);
    }
    try {
      const res = await d.intake.accept({ channel, platform: adapter, payload: order, rawBody: ev.raw ?? JSON.stringify(order), deliveryId, bodyHash, receivedAt: new Date().toISOString(), kind: 'webhook' });
      if (res.duplicate) d.metrics.webhookDuplicates.inc({ adapter, by: 'workflow' });
      log.info({ adapter, channel: channel.id, orderKey: res.orderKey, duplicate: res.duplicate, topic: ev.topic }, 'pushed order accepted');
      return c.json({ ok: true, orderKey: res.orderKey, workflowId: res.workflowId, duplicate: res.duplicate }, 200);
    } catch (err) {
      if (err instanceof QuarantinedError) {
        d.metrics.webhookRejections.inc({ adapter, reason: 'mapping_failed' });
        const m = err.mapping;
        throw new HttpError(422, 'mapping_failed', m.message, { mappingId: m.mappingId, code: m.code, issues: m.issues, quarantineId: err.quarantineId, kept: 'the raw payload is kept in quarantine for replay' });
      }
      throw err;
    }
  }
  return app;
}
