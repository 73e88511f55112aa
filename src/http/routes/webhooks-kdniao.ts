import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { kdniaoPushAck, parseKdniaoPush } from '../../../adapters/kdniao/push.js';
import type { TrackingResult } from '../../../adapters/_shared/tracking.js';
import type { Logger } from '../../logger.js';
import { errorMessage } from '../../util/errors.js';
import { HttpError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { AppEnv } from '../types.js';

export interface KdniaoPushDeps {
  token: string | undefined;
  /** The KDNiao connector's AppKey (resolved from its config when the push arrives). */
  appKey: () => string | null;
  apply: (records: readonly TrackingResult[]) => Promise<{ applied: number; unknown: number }>;
  metrics: Metrics;
  logger: Logger;
}

/**
 * KDNiao's track push receiver: the URL carries a secret token (like SF's), the body its DataSign.
 * Applied records answer Success:true; a failure to apply answers Success:false so KDNiao pushes
 * again (a repeat changes nothing: traces already seen are skipped).
 */
export function kdniaoPushRoutes(d: KdniaoPushDeps) {
  const app = new Hono<AppEnv>();
  app.post('/:token', async (c) => {
    const given = Buffer.from(c.req.param('token'));
    const want = Buffer.from(d.token ?? '');
    if (!d.token || given.length !== want.length || !timingSafeEqual(given, want)) {
      d.metrics.webhookRejections.inc({ adapter: 'kdniao', reason: 'bad_token' });
      throw new HttpError(404, 'not_found', 'no such push receiver');
    }
    const appKey = d.appKey();
    if (!appKey) throw new HttpError(503, 'not_configured', 'tracking.kdniao names no KDNiao connector with an AppKey');
    const parsed = parseKdniaoPush(await c.req.text(), appKey);
    if (!parsed.ok) {
      d.metrics.webhookRejections.inc({ adapter: 'kdniao', reason: parsed.reason.startsWith('DataSign') ? 'bad_signature' : 'invalid_body' });
      throw new HttpError(parsed.reason.startsWith('DataSign') ? 401 : 400, parsed.reason.startsWith('DataSign') ? 'bad_signature' : 'invalid_body', parsed.reason);
    }
    try {
      const r = await d.apply(parsed.records);
      if (r.unknown) d.metrics.webhookRejections.inc({ adapter: 'kdniao', reason: 'unknown_waybill' }, r.unknown);
      return c.json(kdniaoPushAck(parsed.eBusinessId, new Date(), true));
    } catch (err) {
      d.logger.error({ err: errorMessage(err) }, 'KDNiao push not applied');
      return c.json(kdniaoPushAck(parsed.eBusinessId, new Date(), false, 'temporarily unavailable'), 503);
    }
  });
  return app;
}
