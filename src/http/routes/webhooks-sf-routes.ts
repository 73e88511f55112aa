import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import { parseRoutePush, SF_ROUTE_PUSH_ACK } from '../../../adapters/sf-express/route-push.js';
import { trackingEvent } from '../../../workflows/order-lifecycle.js';
import type { Logger } from '../../logger.js';
import { errorMessage } from '../../util/errors.js';
import { HttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { AppEnv } from '../types.js';

/**
 * SF route push receiver: pickup (opCode 50) and delivery (80) move the order's workflow to in
 * transit and delivered. SF signs nothing here, so the URL carries a secret token; each record
 * is deduplicated by its message id, and a record for an unknown waybill is logged, not lost.
 */
export function sfRouteRoutes(d: { token: string | undefined; temporal: Client; redis: Redis; keyPrefix: string; metrics: Metrics; logger: Logger }) {
  const app = new Hono<AppEnv>();
  app.post('/:token', async (c) => {
    const given = Buffer.from(c.req.param('token'));
    const want = Buffer.from(d.token ?? '');
    if (!d.token || given.length !== want.length || !timingSafeEqual(given, want)) {
      d.metrics.webhookRejections.inc({ adapter: 'sf-express', reason: 'bad_token' });
      throw new HttpError(404, 'not_found', 'no such route push receiver');
    }
    const parsed = parseRoutePush(await c.req.text());
    if (!parsed.ok) {
      d.metrics.webhookRejections.inc({ adapter: 'sf-express', reason: 'invalid_body' });
      throw new HttpError(400, 'invalid_body', `body: ${parsed.reason}`);
    }
    let unknown = 0;
    for (const r of parsed.records) {
      if (r.event === 'other') continue;
      const first = await d.redis.set(`${d.keyPrefix}sf-route:${r.messageId}`, '1', 'EX', 30 * 24 * 3600, 'NX');
      if (first !== 'OK') continue; // a re-push of a record already delivered
      const workflowId = await d.redis.get(`${d.keyPrefix}waybill:${r.mailno}`);
      if (!workflowId) {
        unknown++;
        d.logger.warn({ waybillNo: r.mailno, opCode: r.opCode }, 'route push for a waybill the hub did not issue');
        continue;
      }
      try {
        await d.temporal.workflow.getHandle(workflowId).signal(trackingEvent, { event: r.event, at: r.acceptTime, waybillNo: r.mailno, source: `sf-route-push:${r.opCode}` });
      } catch (err) {
        // Not acknowledged: SF pushes again, and the dedupe mark is removed so it is processed then.
        await d.redis.del(`${d.keyPrefix}sf-route:${r.messageId}`);
        if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no workflow ${workflowId}`);
        d.logger.error({ err: errorMessage(err) }, 'route push not delivered');
        throw new HttpError(503, 'temporal_unavailable', 'route push not stored; retry later', undefined, { 'Retry-After': '10' });
      }
    }
    if (unknown) d.metrics.webhookRejections.inc({ adapter: 'sf-express', reason: 'unknown_waybill' }, unknown);
    return c.json(SF_ROUTE_PUSH_ACK);
  });
  return app;
}
