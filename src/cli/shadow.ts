import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { loadConfigForCli } from '../config/load.js';
import { IMPORT_ENCODING } from '../import/encoding.js';
import { MappingEngine } from '../mapping/engine.js';
import { summaryLine } from '../shadow/compare/compare.js';
import { comparisonCsv } from '../shadow/compare/report-csv.js';
import { compareDay, configuredSource, DATE_PATTERN } from '../shadow/compare/run.js';
import { SHADOW_MAPPING_REF } from '../shadow/config.js';
import { connectStore } from '../store/db/connect.js';
import { migrateToLatest } from '../store/db/migrate.js';
import { errorMessage } from '../util/errors.js';

export const COMPARE_FORMAT = { JSON: 'json', CSV: 'csv' } as const;

const Options = z
  .object({
    config: z.string(),
    databaseUrl: z.string().optional(),
    channel: z.string().min(1, '--channel: required'),
    date: z.string().regex(DATE_PATTERN, '--date: expected YYYY-MM-DD'),
    file: z.string().min(1).optional(),
    mapping: z.string().regex(SHADOW_MAPPING_REF, '--mapping: expected shadow/<name>.v<N>').optional(),
    encoding: z.enum(IMPORT_ENCODING, { error: `--encoding: expected one of ${Object.values(IMPORT_ENCODING).join(', ')}` }).optional(),
    format: z.enum(COMPARE_FORMAT, { error: '--format: expected json or csv' }).default(COMPARE_FORMAT.JSON),
    out: z.string().min(1).optional(),
  })
  .strict();

/**
 * `zhongshu shadow compare`: one channel's day in the hub (the store) against the old system's
 * export. The report goes to --out or stdout, the summary line to stderr. Exit 0 when every order
 * matched, 1 when any differs, is missing on a side or a row of the export was rejected, 2 for a
 * bad command line or config.
 */
export async function shadowCompareCommand(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = Options.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => i.message).join('\n')}\n`);
    return 2;
  }
  const o = parsed.data;
  const config = await loadConfigForCli(o.config, env);
  if (!config) return 2;
  const channel = config.channels.find((c) => c.id === o.channel);
  if (!channel) {
    process.stderr.write(`--channel: no channel "${o.channel}" in ${o.config}\n`);
    return 2;
  }
  const cmp = config.shadow.compare;
  const found = configuredSource(cmp, o.channel, o.date, o.file);
  const source = found && 'file' in found && o.encoding ? { ...found, encoding: o.encoding } : found;
  if (!source) {
    process.stderr.write("--file: give the old system's export, or set shadow.compare.csvPath or shadow.compare.odbc\n");
    return 2;
  }
  const url = o.databaseUrl || env['DATABASE_URL'] || config.database.url;
  if (!url) {
    process.stderr.write('no database: set DATABASE_URL or database.url, or pass --database-url\n');
    return 2;
  }
  const engine = new MappingEngine({ dir: config.mappings.dir, limits: { timeoutMs: Math.max(config.mappings.timeoutMs, 2_000), maxDepth: config.mappings.maxDepth, maxSequence: config.mappings.maxSequence } });
  const store = connectStore({ url, schema: config.database.schema, poolSize: 2 });
  try {
    await engine.loadAll();
    await migrateToLatest(store);
    const report = await compareDay({ store, engine }, { channel: o.channel, currency: channel.currency, date: o.date, utcOffset: cmp.utcOffset, source, mapping: o.mapping ?? cmp.mapping });
    const text = o.format === COMPARE_FORMAT.CSV ? comparisonCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
    if (o.out) await writeFile(o.out, text);
    else process.stdout.write(text);
    process.stderr.write(`${summaryLine(report)}${report.rejects.length ? `, ${report.rejects.length} export row(s) rejected` : ''}\n`);
    for (const r of report.rejects) process.stderr.write(`  row ${r.row} ${r.field}: ${r.reason}\n`);
    const clean = report.totals.differing + report.totals.missing_in_hub + report.totals.missing_in_legacy + report.rejects.length === 0;
    return clean ? 0 : 1;
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n`);
    return 2;
  } finally {
    await engine.close();
    await store.close();
  }
}
