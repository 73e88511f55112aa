import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import type { FinanceConfig } from '../../finance/config.js';
import { detailCsvStream, detailJson, printAmounts, summaryCsv, summaryJson } from '../../finance/csv.js';
import { writeDetail } from '../../finance/export.js';
import { MONTH_PATTERN, reconcile } from '../../finance/reconcile.js';
import type { FinanceOrderSource } from '../../finance/source.js';
import type { Logger } from '../../logger.js';
import { errorMessage } from '../../util/errors.js';
import { requireRole, type ApiKeyEntry } from '../auth.js';
import { HttpError } from '../errors.js';
import type { AppEnv } from '../types.js';
import { zodProblem } from './decisions.js';

export const FINANCE_FORMAT = { CSV: 'csv', JSON: 'json' } as const;
export const FINANCE_VIEW = { SUMMARY: 'summary', DETAIL: 'detail' } as const;

export const ReconciliationQuery = z
  .object({
    month: z.string().regex(MONTH_PATTERN, 'expected YYYY-MM, e.g. 2026-11'),
    format: z.enum(FINANCE_FORMAT).default(FINANCE_FORMAT.JSON),
    /** summary: per platform, shop and day with totals; detail: one row per order and day. */
    view: z.enum(FINANCE_VIEW).default(FINANCE_VIEW.SUMMARY),
  })
  .strict();

const CSV_TYPE = 'text/csv; charset=utf-8';

/**
 * GET /reconciliation: the month's reconciliation (issue 16) for finance (and operations_lead).
 * The detail view streams while the source is read; the summary reads the month once and keeps
 * only its per-day sums. `source` is the order store once it is plugged in; without one, 503.
 */
export function financeRoutes(d: { source?: FinanceOrderSource | undefined; config: FinanceConfig; apiKeys: readonly ApiKeyEntry[]; logger: Logger }) {
  const app = new Hono<AppEnv>();
  app.get('/reconciliation', requireRole(d.apiKeys, 'finance'), async (c) => {
    const q = ReconciliationQuery.safeParse(c.req.query());
    if (!q.success) throw new HttpError(400, 'invalid_query', zodProblem(q.error));
    const source = d.source;
    if (!source) throw new HttpError(503, 'finance_unavailable', 'no order source is configured for the reconciliation (the order store)');
    const { month, format, view } = q.data;
    const opts = { month, config: d.config };
    const filename = `reconciliation-${month}-${view}.${format === FINANCE_FORMAT.CSV ? 'csv' : view === FINANCE_VIEW.DETAIL ? 'ndjson' : 'json'}`;

    if (view === FINANCE_VIEW.SUMMARY) {
      // A client that hangs up stops the month's read (the request's signal aborts).
      const summary = await reconcile(source, { ...opts, signal: c.req.raw.signal }, () => undefined);
      if (format === FINANCE_FORMAT.JSON) return c.json(summaryJson(summary));
      return c.body(summaryCsv(summary), 200, { 'content-type': CSV_TYPE, 'content-disposition': `attachment; filename="${filename}"` });
    }

    // Headers go out before the first order is read: a failure later can only cut the body, so
    // it is logged, and the missing totals row tells a reader the file is incomplete.
    const fail = (err: unknown) => d.logger.error({ reqId: c.get('requestId'), month, err: errorMessage(err) }, 'finance detail export failed mid-stream');
    c.header('content-disposition', `attachment; filename="${filename}"`);
    if (format === FINANCE_FORMAT.CSV) {
      c.header('content-type', CSV_TYPE);
      return stream(
        c,
        async (s) => {
          const ac = new AbortController();
          s.onAbort(() => ac.abort());
          const csv = detailCsvStream();
          const pump = (async () => {
            for await (const chunk of csv) await s.write(chunk);
          })();
          try {
            await writeDetail(source, { ...opts, signal: ac.signal }, csv);
          } finally {
            csv.end();
            await pump;
          }
        },
        async (err) => fail(err),
      );
    }
    c.header('content-type', 'application/x-ndjson; charset=utf-8');
    return stream(
      c,
      async (s) => {
        const ac = new AbortController();
        s.onAbort(() => ac.abort());
        const summary = await reconcile(source, { ...opts, signal: ac.signal }, async (row) => {
          await s.write(`${JSON.stringify(detailJson(row))}\n`);
        });
        await s.write(`${JSON.stringify({ totals: summary.totals.map((t) => ({ currency: t.currency, ...printAmounts(t, t.currency) })) })}\n`);
      },
      async (err) => fail(err),
    );
  });
  return app;
}
