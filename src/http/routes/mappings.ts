import { Hono } from 'hono';
import type { ChannelConfig } from '../../config/schema.js';
import { MAPPING_LANE, MappingError, type MappingEngine } from '../../mapping/engine.js';
import { fixtureContext } from '../../mapping/fixtures.js';
import { mapInboundOrder } from '../../mapping/inbound.js';
import { parseJsonSafe } from '../../util/json.js';
import { errorMessage } from '../../util/errors.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import { diffMappings, parseSince } from '../../mapping/diff.js';
import type { StoreDb } from '../../store/db/connect.js';
import { readRawPayloads } from '../../store/db/raw-payloads.js';
import { z } from 'zod';

const RAW_PAYLOAD_ROLE = 'platform_engineer' as const;
const MAPPING_ID = /^[a-z0-9-]+\/[a-z0-9-]+\.v\d+$/;
export const DiffBody = z
  .object({
    from: z.string().regex(MAPPING_ID, 'expected <adapter>/<name>.v<N>'),
    to: z.string().regex(MAPPING_ID, 'expected <adapter>/<name>.v<N>'),
    since: z.string().refine((s) => parseSince(s) !== undefined, 'expected a duration like 7d, 12h or 30m').default('7d'),
    channel: z.string().min(1).optional(),
    /** Payloads per page; the answer's nextCursor asks for the next one. */
    limit: z.number().int().min(1).max(5_000).default(1_000),
    /** The nextCursor of the previous page, as given (the window of the first page is kept). */
    cursor: z.string().max(200).optional(),
  })
  .strict();

/** Where the next page of a diff starts: after this payload id, in the first page's window. */
const DiffCursor = z.object({ after: z.string().regex(/^\d{1,19}$/), since: z.iso.datetime({ offset: true }) }).strict();
type DiffCursor = z.infer<typeof DiffCursor>;

const encodeDiffCursor = (c: DiffCursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeDiffCursor(raw: string): DiffCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_body', 'cursor: not a cursor this API returned');
  }
  const c = DiffCursor.safeParse(parsed);
  if (!c.success) throw new HttpError(400, 'invalid_body', 'cursor: not a cursor this API returned');
  return c.data;
}

/** The first `limit` payloads of `all`; `page.more` says whether another one followed, `page.last` is the last id given. */
function pageOf<T extends { id: string }>(all: AsyncGenerator<T>, limit: number, page: { last: string | null; more: boolean }): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      let n = 0;
      for await (const p of all) {
        if (n === limit) {
          page.more = true;
          break;
        }
        n++;
        page.last = p.id;
        yield p;
      }
    },
  };
}
import type { AppEnv } from '../types.js';

/** Lets a platform engineer try a mapping on any payload before pointing a channel at it. */
export function mappingRoutes(d: { mappings: MappingEngine; channels: readonly ChannelConfig[]; apiKeys: readonly ApiKeyEntry[]; store?: StoreDb | null }) {
  const app = new Hono<AppEnv>();
  app.use('*', requireRole(d.apiKeys, 'platform_engineer'));

  /** What a new version would change over the kept payloads (body {from, to, since?, channel?}). */
  app.post('/diff', async (c) => {
    let body: unknown;
    try {
      body = parseJsonSafe(await c.req.text());
    } catch (err) {
      throw new HttpError(400, 'invalid_json', `body: not valid JSON (${errorMessage(err)})`);
    }
    const parsed = DiffBody.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new HttpError(400, 'invalid_body', `${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`);
    }
    // Kept payloads are raw buyer data: platform engineers only, with no operations_lead override.
    const p = c.get('principal');
    if (!p.roles.includes(RAW_PAYLOAD_ROLE)) throw new HttpError(403, 'forbidden', `key "${p.name}" lacks the ${RAW_PAYLOAD_ROLE} role, which alone may read kept payloads`);
    const { from, to, since, channel, limit, cursor } = parsed.data;
    const at = cursor ? decodeDiffCursor(cursor) : null;
    if (!d.store) throw new HttpError(503, 'no_store', 'the hub has no order store, so no payloads are kept');
    for (const id of [from, to]) if (!d.mappings.has(id)) throw new HttpError(404, 'mapping_not_found', `${id}: no such mapping loaded`);
    // A later page keeps the first page's window, so payloads arriving meanwhile neither shift nor repeat a page.
    const sinceAt = at ? new Date(at.since) : new Date(Date.now() - (parseSince(since) ?? 0));
    const page = { last: null as string | null, more: false };
    const payloads = pageOf(readRawPayloads(d.store, { since: sinceAt, channel, afterId: at?.after }), limit, page);
    // One payload at a time: the dry-run lane is small on purpose, and intake never shares it.
    const report = await diffMappings(d.mappings, from, to, payloads, { concurrency: 1 });
    const nextCursor = page.more && page.last ? encodeDiffCursor({ after: page.last, since: sinceAt.toISOString() }) : null;
    return c.json({ ...report, nextCursor });
  });

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
