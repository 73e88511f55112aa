import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FinanceConfig } from '../finance/config.js';
import { exportMonth } from '../finance/export.js';
import { MONTH_PATTERN, NOTE } from '../finance/reconcile.js';
import { JsonLinesOrderSource } from '../finance/source.js';
import { formatMinor } from '../finance/money.js';
import { formatPath } from '../config/load.js';
import { errorMessage } from '../util/errors.js';
import { connectStore } from '../store/db/connect.js';
import { StoreFinanceSource } from '../store/db/finance-source.js';

const Options = z.object({
  month: z.string().regex(MONTH_PATTERN, 'expected YYYY-MM, e.g. 2026-11'),
  from: z.string().min(1).optional(),
  databaseUrl: z.string().min(1).optional(),
  schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a PostgreSQL schema name').optional(),
  out: z.string().min(1),
  config: z.string().min(1),
});

/**
 * Only the `finance` section of the config is read: an export needs the accounting offset and the
 * commission rates, not the hub's secrets, so it runs where those env variables are not set.
 */
async function financeConfigFrom(file: string): Promise<FinanceConfig> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`--config ${file}: ${errorMessage(err)}`);
  }
  const section = z.object({ finance: z.unknown().optional() }).passthrough().safeParse(doc ?? {});
  const parsed = FinanceConfig.safeParse(section.success ? (section.data.finance ?? {}) : {});
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${file}: finance.${formatPath(i.path)}: ${i.message}`).join('\n'));
  return parsed.data;
}

/** `zhongshu finance export --month 2026-11 [--from orders.jsonl | --database-url url [--schema s]] [--out dir]` */
export async function financeExportCommand(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const o = Options.safeParse(raw);
  if (!o.success) {
    for (const i of o.error.issues) process.stderr.write(`--${formatPath(i.path)}: ${i.message}\n`);
    return 2;
  }
  // The order store is the default source: --database-url, else DATABASE_URL (the hub's own).
  const url = o.data.from ? null : (o.data.databaseUrl ?? env['DATABASE_URL'] ?? null);
  if (!o.data.from && !url) {
    process.stderr.write('--from: no source: pass --from <orders.jsonl> (one canonical order per line), or --database-url / DATABASE_URL to read the order store\n');
    return 2;
  }
  const config = await financeConfigFrom(o.data.config);
  const store = url ? connectStore({ url, ...(o.data.schema ? { schema: o.data.schema } : {}), poolSize: 2 }) : null;
  let r: Awaited<ReturnType<typeof exportMonth>>;
  try {
    const source = store ? new StoreFinanceSource(store) : new JsonLinesOrderSource(o.data.from ?? '');
    r = await exportMonth(source, { month: o.data.month, config, outDir: o.data.out });
  } finally {
    await store?.close();
  }
  process.stdout.write(`summary: ${r.summaryFile} (${r.summary.rows.length} rows)\ndetail:  ${r.detailFile} (${r.detailRows} rows)\n`);
  for (const t of r.summary.totals) {
    process.stdout.write(`total ${t.currency}: ${t.orders} orders, received ${formatMinor(t.received, t.currency)}, commission ${formatMinor(t.commission, t.currency)} (estimated ${formatMinor(t.commissionEstimated, t.currency)}), refunds ${formatMinor(t.refunds, t.currency)}, net ${formatMinor(t.net, t.currency)}\n`);
  }
  if (r.summary.refundsWithoutAmounts) process.stderr.write(`warning: ${r.summary.refundsWithoutAmounts} order(s) say refunded but carry no refund amounts; their refunds are not in the figures (detail note ${NOTE.REFUND_WITHOUT_AMOUNT})\n`);
  if (r.summary.skippedUnpaid) process.stderr.write(`note: ${r.summary.skippedUnpaid} order(s) without a payment time were not counted\n`);
  return 0;
}
