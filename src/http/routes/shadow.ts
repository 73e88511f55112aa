import { Hono } from 'hono';
import { z } from 'zod';
import type { ChannelConfig } from '../../config/schema.js';
import type { MappingEngine } from '../../mapping/engine.js';
import { comparisonCsv } from '../../shadow/compare/report-csv.js';
import { compareDay, configuredSource, DATE_PATTERN } from '../../shadow/compare/run.js';
import type { ShadowConfig } from '../../shadow/config.js';
import { CHANNEL_MODE } from '../../shadow/mode.js';
import type { StoreDb } from '../../store/db/connect.js';
import { errorMessage } from '../../util/errors.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { zodProblem } from './decisions.js';

export const SHADOW_COMPARE_FORMAT = { JSON: 'json', CSV: 'csv' } as const;

export const ShadowCompareQuery = z
  .object({
    channel: z.string().min(1, 'a channel id is required'),
    date: z.string().regex(DATE_PATTERN, 'expected YYYY-MM-DD'),
    format: z.enum(SHADOW_COMPARE_FORMAT).default(SHADOW_COMPARE_FORMAT.JSON),
  })
  .strict();

/**
 * GET /compare: a shadow channel's day against the old system's export (shadow.compare.csvPath).
 * For whoever decides the switch-over (operations_lead) and platform engineers; addresses in the
 * report are masked.
 */
export function shadowRoutes(d: { store: StoreDb | null; mappings: MappingEngine; channels: readonly ChannelConfig[]; config: ShadowConfig; apiKeys: readonly ApiKeyEntry[] }) {
  const app = new Hono<AppEnv>();
  app.get('/compare', requireRole(d.apiKeys, 'platform_engineer'), async (c) => {
    const q = ShadowCompareQuery.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, 'invalid_query', zodProblem(q.error));
    const { channel: id, date, format } = q.data;
    const channel = d.channels.find((ch) => ch.id === id);
    if (!channel) throw new HttpError(404, 'unknown_channel', `channel: no channel "${id}"`);
    if (channel.mode !== CHANNEL_MODE.SHADOW) throw new HttpError(409, 'not_shadow', `channel: "${id}" is not in shadow mode`);
    if (!d.store) throw new HttpError(503, 'no_store', 'the hub has no order store, so there is nothing to compare');
    const cmp = d.config.compare;
    const source = configuredSource(cmp, id, date);
    if (!source) throw new HttpError(503, 'no_export', "neither shadow.compare.csvPath nor shadow.compare.odbc is set: the hub does not know where the old system's outputs are");
    let report;
    try {
      report = await compareDay({ store: d.store, engine: d.mappings }, { channel: id, currency: channel.currency, date, utcOffset: cmp.utcOffset, source, mapping: cmp.mapping });
    } catch (err) {
      // The export not being there yet (the old system writes it late) is the usual case.
      throw new HttpError(422, 'export_unreadable', `${'file' in source ? `export ${source.file}` : 'old system over ODBC'}: ${errorMessage(err)}`);
    }
    if (format === SHADOW_COMPARE_FORMAT.CSV) return c.body(comparisonCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="shadow-${id}-${date}.csv"` });
    return c.json(report);
  });
  return app;
}
