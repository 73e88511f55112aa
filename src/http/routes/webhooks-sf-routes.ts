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
import { sha256 } from '../auth.js';
import { refuseSignature, type SignatureGuard } from '../signature-guard.js';

/**
 * SF route push receiver: pickup (opCode 50) and delivery (80) move the order's workflow to in
 * transit and delivered. SF signs nothing here, so the URL carries a secret token; each record
 * is deduplicated by its message id, and a record for an unknown waybill is logged, not lost.
 */
/** What logs name instead of the URL: the token is the receiver's secret. */
export const ROUTE_PATTERN = '/webhooks/sf-express/routes/:token';

export function sfRouteRoutes(d: { token: string | undefined; temporal: Client; redis: Redis; keyPrefix: string; metrics: Metrics; logger: Logger; signatureGuard: SignatureGuard }) {
  const app = new Hono<AppEnv>();
  // Only the digest is kept; both sides are hashed so the comparison is constant-time and of
  // equal length whatever was presented (a length mismatch would tell a guesser the length).
  const want = d.token === undefined ? null : sha256(d.token);
  app.post('/:token', async (c) => {
    if (!want || !timingSafeEqual(sha256(c.req.param('token')), want)) {
      d.metrics.webhookRejections.inc({ adapter: 'sf-express', reason: 'bad_token' });
      return refuseSignature(d.signatureGuard, c, 'sf-express', 'bad_token', 'no such route push receiver', 404);
    }
    const parsed = parseRoutePush(await c.req.text());
    if (!parsed.ok) {
      d.metrics.webhookRejections.inc({ adapter: 'sf-express', reason: 'invalid_body' });
      throw new HttpError(400, 'invalid_body', `body: ${parsed.reason}`);
    }
    let unknown = 0;
    for (const r of parsed.records) {
      if (r.event === 'other') continue;
      const mark = `${d.keyPrefix}sf-route:${r.messageId}`;
      const first = await d.redis.set(mark, '1', 'EX', 30 * 24 * 3600, 'NX').catch(() => {
        throw new HttpError(503, 'redis_unavailable', 'route push not stored; retry later', undefined, { 'Retry-After': '10' });
      });
      if (first !== 'OK') continue; // a re-push of a record already delivered
      try {
        const workflowId = await d.redis.get(`${d.keyPrefix}waybill:${r.mailno}`);
        if (!workflowId) {
          unknown++;
          d.logger.warn({ waybillNo: r.mailno, opCode: r.opCode }, 'route push for a waybill the hub did not issue');
          continue;
        }
        await d.temporal.workflow.getHandle(workflowId).signal(trackingEvent, { event: r.event, at: r.acceptTime, waybillNo: r.mailno, source: `sf-route-push:${r.opCode}` });
      } catch (err) {
        // Not acknowledged: SF pushes again, and the mark is removed so the retry is processed
        // (whatever failed: the waybill lookup or the signal). If even that fails, the mark's
        // TTL is the bound.
        await d.redis.del(mark).catch((e: unknown) => d.logger.error({ err: errorMessage(e), messageId: r.messageId }, 'route push dedupe mark not removed'));
        if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'order_not_found', `no workflow for waybill ${r.mailno}`);
        d.logger.error({ err: errorMessage(err), route: ROUTE_PATTERN }, 'route push not delivered');
        throw new HttpError(503, 'temporal_unavailable', 'route push not stored; retry later', undefined, { 'Retry-After': '10' });
      }
    }
    if (unknown) d.metrics.webhookRejections.inc({ adapter: 'sf-express', reason: 'unknown_waybill' }, unknown);
    return c.json(SF_ROUTE_PUSH_ACK);
  });
  return app;
}
