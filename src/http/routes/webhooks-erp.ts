import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ChannelConfig } from '../../config/schema.js';
import { QuarantinedError, type OrderIntake } from '../../intake/order-intake.js';
import type { Logger } from '../../logger.js';
import { MappingError, type MappingEngine } from '../../mapping/engine.js';
import type { AdapterRegistry } from '../../sdk/registry.js';
import type { QuarantineStore } from '../../store/quarantine.js';
import { InventoryPool } from '../../inventory/pool.js';
import { parseJsonSafe } from '../../util/json.js';
import { errorMessage } from '../../util/errors.js';
import { formatPath } from '../../config/load.js';
import { ErpEventEnvelope, mapErpEvent } from '../../legacy-erp/events.js';
import { deliverErpCommand, replayErpEvent, type DeliverDeps } from '../../legacy-erp/deliver.js';
import type { Client } from '@temporalio/client';
import { HttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { AppEnv } from '../types.js';
import { refuseSignature, type SignatureGuard } from '../signature-guard.js';
import { CAPABILITY } from '../../sdk/capabilities.js';

export interface ErpWebhookDeps {
  channels: readonly ChannelConfig[];
  registry: AdapterRegistry;
  intake: OrderIntake;
  quarantine: QuarantineStore;
  mappings: MappingEngine;
  temporal: Client;
  redis: Redis;
  keyPrefix: string;
  dedupeTtlSeconds: number;
  defaultWarehouse: string;
  metrics: Metrics;
  logger: Logger;
  signatureGuard: SignatureGuard;
}

type Answer = { status: 200 | 422; body: Record<string, unknown> };
/** A stored first answer, read back from Redis: parsed, not trusted. */
const FirstAnswer = z.object({ status: z.union([z.literal(200), z.literal(422)]), body: z.record(z.string(), z.unknown()) });

async function erpConnector(d: ErpWebhookDeps, channelId: string) {
  const channel = d.channels.find((ch) => ch.id === channelId && ch.adapter === 'legacy-erp' && ch.enabled);
  if (!channel?.connector) throw new HttpError(404, 'unknown_channel', `no enabled legacy-erp channel "${channelId}"`);
  const { instance } = await d.registry.connector(channel.connector);
  const events = instance.surfaces?.()[CAPABILITY.ORDER_WEBHOOK];
  if (!events) throw new HttpError(404, 'no_webhooks', `channel ${channelId}: its connector has no webhook section`);
  return { channel, conn: events, webhook: events };
}

/**
 * POST /webhooks/legacy-erp/:channel — events from ERPs that can call out: order.approved,
 * order.shipped (tracking number), stock.changed. Signed (HMAC-SHA256 over timestamp + "." + raw
 * body, 5 minutes of skew) or API-key authenticated; deduplicated by event id, a redelivery
 * getting the first answer again; mapped by JSONata; a mapping failure is kept in quarantine.
 */
export function erpWebhookRoutes(d: ErpWebhookDeps) {
  const app = new Hono<AppEnv>();
  const deliverDeps: DeliverDeps = { temporal: d.temporal, intake: d.intake, pool: new InventoryPool(d.redis, d.keyPrefix), mappings: d.mappings, defaultWarehouse: d.defaultWarehouse };
  const reject = (reason: string, status: 400 | 401 | 422, message: string): never => {
    d.metrics.webhookRejections.inc({ adapter: 'legacy-erp', reason });
    d.logger.warn({ adapter: 'legacy-erp', reason }, `ERP webhook rejected: ${message}`);
    throw new HttpError(status, reason, message);
  };

  app.post('/:channel', async (c) => {
    const { channel, conn, webhook } = await erpConnector(d, c.req.param('channel'));
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    const headers = Object.fromEntries([...c.req.raw.headers.entries()]);
    const verdict = conn.verifyWebhook({ headers, rawBody });
    if (!verdict.ok) {
      d.metrics.webhookRejections.inc({ adapter: 'legacy-erp', reason: verdict.reason });
      return refuseSignature(d.signatureGuard, c, 'legacy-erp', verdict.reason, `authentication: ${verdict.reason.replace(/_/g, ' ')}`);
    }
    // A signed body replayed (an event id is in the body, but a hash needs no parsing) gets the
    // first answer again; a key-authenticated one has no signed body and relies on the event id.
    const signed = verdict.signed === undefined ? rawBody : verdict.signed;
    const bodyKey = signed ? `${d.keyPrefix}erp-event-body:${channel.id}:${createHash('sha256').update(signed).digest('hex')}` : null;
    const seenBody = bodyKey ? await d.redis.get(bodyKey).catch(() => null) : null;
    if (seenBody) {
      d.metrics.webhookDuplicates.inc({ adapter: 'legacy-erp', by: 'body' });
      const first = FirstAnswer.parse(JSON.parse(seenBody));
      return c.json({ ...first.body, duplicate: true }, first.status);
    }

    const rawText = Buffer.from(rawBody).toString('utf8');
    let body: unknown;
    try {
      body = parseJsonSafe(rawText);
    } catch (err) {
      return reject('invalid_json', 400, `body: not valid JSON (${errorMessage(err)})`);
    }
    const env = ErpEventEnvelope.safeParse(body);
    if (!env.success) return reject('invalid_body', 422, env.error.issues.map((i) => `body${i.path.length ? `.${formatPath(i.path)}` : ''}: ${i.message}`).join('; '));
    const event = env.data;
    const seenKey = `${d.keyPrefix}erp-event:${channel.id}:${event.id}`;
    const seen = await d.redis.get(seenKey).catch(() => null);
    if (seen) {
      d.metrics.webhookDuplicates.inc({ adapter: 'legacy-erp', by: 'delivery' });
      const first = FirstAnswer.parse(JSON.parse(seen));
      return c.json({ ...first.body, duplicate: true }, first.status);
    }
    const receivedAt = new Date().toISOString();
    const remember = async (a: Answer) => {
      const m = d.redis.multi().set(seenKey, JSON.stringify(a), 'EX', d.dedupeTtlSeconds);
      if (bodyKey) m.set(bodyKey, JSON.stringify(a), 'EX', d.dedupeTtlSeconds);
      await m.exec().catch((err: unknown) => d.logger.warn({ err: errorMessage(err) }, 'could not remember ERP event id'));
      return c.json(a.body, a.status);
    };
    const quarantined = (m: MappingError, quarantineId: string) => {
      d.metrics.webhookRejections.inc({ adapter: 'legacy-erp', reason: 'mapping_failed' });
      return remember({ status: 422, body: { error: { code: 'mapping_failed', message: m.message, details: { mappingId: m.mappingId, code: m.code, issues: m.issues, quarantineId, kept: 'the raw event is kept in quarantine for replay' } } } });
    };
    try {
      const cmd = await mapErpEvent(d.mappings, webhook.mapping, event);
      const res = await deliverErpCommand(deliverDeps, channel, cmd, { eventId: event.id, receivedAt, warehouse: webhook.warehouse ?? null });
      d.logger.info({ channel: channel.id, eventId: event.id, type: event.type, ...res }, 'ERP event delivered');
      return remember({ status: 200, body: { ok: true, id: event.id, type: event.type, ...res } });
    } catch (err) {
      if (err instanceof QuarantinedError) return quarantined(err.mapping, err.quarantineId);
      if (!(err instanceof MappingError)) throw err;
      let entry;
      try {
        entry = await d.quarantine.put({ channel: channel.id, adapter: 'legacy-erp', mappingId: webhook.mapping, receivedAt, deliveryId: event.id, error: { code: err.code, message: err.message, issues: err.issues }, rawBody: rawText });
      } catch (qerr) {
        d.logger.error({ err: errorMessage(qerr) }, 'quarantine unavailable');
        throw new HttpError(503, 'quarantine_unavailable', 'the event failed mapping and could not be kept for replay; retry later', undefined, { 'Retry-After': '30' });
      }
      d.metrics.quarantined.inc({ channel: channel.id, code: err.code });
      return quarantined(err, entry.id);
    }
  });
  return app;
}

/** The quarantine replay hook for kept ERP events (entries whose mapping is the connector's event mapping). */
export function erpEventReplayer(d: ErpWebhookDeps) {
  const deliverDeps: DeliverDeps = { temporal: d.temporal, intake: d.intake, pool: new InventoryPool(d.redis, d.keyPrefix), mappings: d.mappings, defaultWarehouse: d.defaultWarehouse };
  return async (e: Parameters<typeof replayErpEvent>[2], channel: ChannelConfig) => {
    if (channel.adapter !== 'legacy-erp' || e.mappingId === channel.mapping) return null;
    const { webhook } = await erpConnector(d, channel.id);
    return replayErpEvent(deliverDeps, channel, e, webhook.warehouse ?? null);
  };
}
