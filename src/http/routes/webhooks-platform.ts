import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { ChannelConfig } from '../../config/schema.js';
import { QuarantinedError, type OrderIntake } from '../../intake/order-intake.js';
import type { Logger } from '../../logger.js';
import type { AdapterRegistry } from '../../sdk/registry.js';
import { errorMessage } from '../../util/errors.js';
import { HttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { AppEnv } from '../types.js';

/** The acknowledgement Youzan and Douyin both expect; anything else makes them push again. */
const ACK = { code: 0, msg: 'success' } as const;

function orderOf(payload: unknown): unknown {
  return typeof payload === 'object' && payload !== null && 'order' in payload ? payload.order : undefined;
}

/**
 * POST /webhooks/:adapter/:channel for platforms whose adapter verifies and parses its own
 * pushes (Youzan, Douyin). Each message is deduplicated by its id; a message that carries the
 * order is mapped and started like any webhook; one that only names an order is acknowledged
 * and left to the channel's pull. A delivery is acknowledged only when every message in it is
 * stored.
 */
export function platformWebhookRoutes(d: { channels: readonly ChannelConfig[]; registry: AdapterRegistry; intake: OrderIntake; redis: Redis; keyPrefix: string; dedupeTtlSeconds: number; metrics: Metrics; logger: Logger }) {
  const app = new Hono<AppEnv>();
  app.post('/:adapter/:channel', async (c) => {
    const adapter = c.req.param('adapter');
    const channel = d.channels.find((ch) => ch.id === c.req.param('channel') && ch.adapter === adapter && ch.enabled);
    if (!channel?.connector) throw new HttpError(404, 'unknown_channel', `no enabled ${adapter} channel "${c.req.param('channel')}"`);
    const { instance } = await d.registry.connector(channel.connector);
    if (!instance.verifyWebhook || !instance.parseWebhook) throw new HttpError(404, 'no_webhooks', `adapter ${adapter} does not take webhooks`);
    const rawBody = new Uint8Array(await c.req.arrayBuffer());
    const headers = Object.fromEntries([...c.req.raw.headers.entries()]);
    const verdict = instance.verifyWebhook({ headers, rawBody });
    if (!verdict.ok) {
      d.metrics.webhookRejections.inc({ adapter, reason: verdict.reason });
      d.logger.warn({ adapter, channel: channel.id, reason: verdict.reason }, 'webhook rejected');
      throw new HttpError(401, verdict.reason, `signature: ${verdict.reason.replace(/_/g, ' ')}`);
    }
    let events;
    try {
      events = instance.parseWebhook({ headers, rawBody });
    } catch (err) {
      d.metrics.webhookRejections.inc({ adapter, reason: 'invalid_body' });
      throw new HttpError(400, 'invalid_body', `body: ${errorMessage(err)}`);
    }
    const results: { messageId: string; result: string }[] = [];
    for (const ev of events) {
      const seenKey = `${d.keyPrefix}delivery:${channel.id}:${ev.messageId}`;
      if ((await d.redis.exists(seenKey).catch(() => 0)) === 1) {
        d.metrics.webhookDuplicates.inc({ adapter, by: 'delivery' });
        results.push({ messageId: ev.messageId, result: 'duplicate' });
        continue;
      }
      const order = orderOf(ev.payload);
      if (ev.topic === 'test' || order === undefined) {
        results.push({ messageId: ev.messageId, result: ev.topic === 'test' ? 'test' : 'noted' });
      } else {
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
    d.logger.info({ adapter, channel: channel.id, results }, 'platform webhook processed');
    return c.json(ACK);
  });
  return app;
}
