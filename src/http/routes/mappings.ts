import { Hono } from 'hono';
import type { ChannelConfig } from '../../config/schema.js';
import { MAPPING_LANE, MappingError, type MappingEngine } from '../../mapping/engine.js';
import { fixtureContext } from '../../mapping/fixtures.js';
import { mapInboundOrder } from '../../mapping/inbound.js';
import { parseJsonSafe } from '../../util/json.js';
import { errorMessage } from '../../util/errors.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';

/** Lets a platform engineer try a mapping on any payload before pointing a channel at it. */
export function mappingRoutes(d: { mappings: MappingEngine; channels: readonly ChannelConfig[]; apiKeys: readonly ApiKeyEntry[] }) {
  const app = new Hono<AppEnv>();
  app.use('*', requireRole(d.apiKeys, 'platform_engineer'));

  app.get('/', (c) => c.json({ mappings: d.mappings.list() }));

  app.post('/:adapter/:mapping/dry-run', async (c) => {
    const id = `${c.req.param('adapter')}/${c.req.param('mapping')}`;
    let payload: unknown;
    try {
      payload = parseJsonSafe(await c.req.text());
    } catch (err) {
      throw new HttpError(400, 'invalid_json', `body: not valid JSON (${errorMessage(err)})`);
    }
    const channelId = c.req.query('channel');
    const channel = channelId ? d.channels.find((ch) => ch.id === channelId) : undefined;
    if (channelId && !channel) throw new HttpError(400, 'unknown_channel', `channel: no channel "${channelId}"`);
    const base = fixtureContext(c.req.param('adapter'));
    const ctx = channel ? { ...base, platform: channel.adapter, channel: channel.id, shop: channel.shop, currency: channel.currency } : { ...base, receivedAt: new Date().toISOString() };
    try {
      const order = await mapInboundOrder(d.mappings, id, payload, ctx, { lane: MAPPING_LANE.dryRun });
      return c.json({ ok: true, mappingId: id, order });
    } catch (err) {
      if (err instanceof MappingError) {
        const status = err.code === 'E_MAPPING_NOT_FOUND' || err.code === 'E_MAPPING_ID' ? 404 : 422;
        throw new HttpError(status, status === 404 ? 'mapping_not_found' : 'mapping_failed', err.message, { mappingId: id, code: err.code, issues: err.issues });
      }
      throw err;
    }
  });
  return app;
}
