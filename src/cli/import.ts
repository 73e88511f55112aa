import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { z } from 'zod';
import { loadConfigForCli } from '../config/load.js';
import { IMPORT_ENCODING } from '../import/encoding.js';
import { RejectReport } from '../import/reject-report.js';
import { formatOf, ImportFileError, IMPORT_FORMAT, type ImportFormat } from '../import/readers.js';
import { importFile, type ImportProgress, type ImportSummary } from '../import/run.js';
import { MappingEngine, parseMappingId } from '../mapping/engine.js';
import { connectStore, redactDatabaseUrl, type StoreDb } from '../store/db/connect.js';
import { readRejects } from '../store/db/historical.js';
import { migrateToLatest } from '../store/db/migrate.js';
import { errorMessage } from '../util/errors.js';

const Options = z
  .object({
    config: z.string(),
    databaseUrl: z.string().optional(),
    dryRun: z.boolean().optional(),
    mapping: z.string().optional(),
    channel: z.string().min(1, '--channel: must not be empty').optional(),
    encoding: z.enum(IMPORT_ENCODING, { error: `--encoding: expected one of ${Object.values(IMPORT_ENCODING).join(', ')}` }).optional(),
    format: z.enum(IMPORT_FORMAT, { error: `--format: expected one of ${Object.values(IMPORT_FORMAT).join(', ')}` }).optional(),
    groupBy: z.string().optional(),
    batchSize: z.coerce.number({ error: '--batch-size: expected a whole number' }).int('--batch-size: expected a whole number').min(1, '--batch-size: at least 1').max(10_000, '--batch-size: at most 10000').optional(),
    reportDir: z.string().default('.'),
    progress: z.boolean().optional(),
  })
  .strict();
type Options = z.output<typeof Options>;

/** The files of `<file|dir>`: a directory gives its importable files, in name order. */
async function inputs(target: string, format: ImportFormat | undefined): Promise<{ file: string; format: ImportFormat }[]> {
  const s = await stat(target).catch((err: unknown) => {
    throw new ImportFileError(target, `cannot read: ${errorMessage(err)}`);
  });
  if (s.isDirectory()) {
    const names = (await readdir(target)).sort();
    const files = names.flatMap((n) => {
      const f = format ?? formatOf(n);
      return f ? [{ file: path.join(target, n), format: f }] : [];
    });
    if (!files.length) throw new ImportFileError(target, 'no .csv, .xlsx or .jsonl file in the directory');
    return files;
  }
  const f = format ?? formatOf(target);
  if (!f) throw new ImportFileError(target, 'unknown file type: expected .csv, .txt, .xlsx, .jsonl or .ndjson (or pass --format)');
  return [{ file: target, format: f }];
}

function progressBar(file: string, on: boolean): { update: (p: ImportProgress) => void; stop: () => void } {
  if (!on) return { update: () => undefined, stop: () => undefined };
  const started = Date.now();
  const bar = new SingleBar({
    format: `${path.basename(file)} [{bar}] {percentage}% | {rows} rows, {imported} ok, {rejected} rejected | {rate} rows/s | ETA {eta_formatted}`,
    stream: process.stderr,
    etaBuffer: 50,
    hideCursor: true,
  });
  bar.start(1, 0, { rows: 0, imported: 0, rejected: 0, rate: 0 });
  return {
    update: (p) => {
      const s = Math.max(0.001, (Date.now() - started) / 1000);
      bar.setTotal(Math.max(1, p.totalBytes));
      bar.update(p.bytes, { rows: p.rows, imported: p.imported, rejected: p.rejected, rate: Math.round(p.rows / s) });
    },
    stop: () => bar.stop(),
  };
}

/**
 * `zhongshu import orders <file|dir>`: historical orders from an old system's export, through an
 * import/* mapping, into the order store. Exit 1 when any row was rejected (the report says which).
 */
export async function importOrdersCommand(target: string, raw: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = Options.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => i.message).join('\n')}\n`);
    return 2;
  }
  const o: Options = parsed.data;
  const config = await loadConfigForCli(o.config, env);
  if (!config) return 2;
  const mappingId = o.mapping ?? config.import.mapping;
  const ref = parseMappingId(mappingId);
  if (!ref || ref.adapter !== 'import') {
    process.stderr.write(`--mapping: "${mappingId}" is not an import mapping id (import/<name>.v<N>)\n`);
    return 2;
  }
  let files: { file: string; format: ImportFormat }[];
  try {
    files = await inputs(target, o.format);
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n`);
    return 2;
  }
  const engine = new MappingEngine({ dir: config.mappings.dir, limits: { timeoutMs: 5_000 } });
  await engine.loadAll();
  if (!engine.has(mappingId)) {
    process.stderr.write(`--mapping: ${mappingId} is not loaded from ${config.mappings.dir}${engine.errors().get(mappingId) ? `: ${engine.errors().get(mappingId) ?? ''}` : ''}\n`);
    return 2;
  }
  let store: StoreDb | null = null;
  if (!o.dryRun) {
    const url = o.databaseUrl || env['DATABASE_URL'] || config.database.url;
    if (!url) {
      process.stderr.write('no database: set DATABASE_URL or database.url, or pass --database-url (--dry-run needs none)\n');
      return 2;
    }
    store = connectStore({ url, schema: config.database.schema, poolSize: 2 });
    await migrateToLatest(store);
    process.stderr.write(`database ${redactDatabaseUrl(url)}, schema ${store.schema}\n`);
  }
  const channel = o.channel ?? config.import.channel;
  const showBar = o.progress !== false && Boolean(process.stderr.isTTY);
  let rejected = 0;
  try {
    for (const { file, format } of files) {
      const reportPath = path.join(o.reportDir, `${path.basename(file)}.rejects.csv`);
      const report = new RejectReport(reportPath);
      const bar = progressBar(file, showBar);
      let summary: ImportSummary;
      try {
        summary = await importFile({
          file,
          format,
          encoding: o.encoding,
          engine,
          mappingId,
          context: { channel, currency: config.import.currency, receivedAt: new Date().toISOString(), defaults: config.import.defaults },
          groupBy: o.groupBy ?? config.import.groupBy,
          batchSize: o.batchSize ?? config.import.batchSize,
          store,
          // A real run writes its report from the store at the end (every rejection once, across resumes).
          onReject: (r) => (store ? undefined : report.add(file, r)),
          onProgress: (p) => bar.update(p),
        });
        if (store) for await (const r of readRejects(store, summary.importKey)) await report.add(file, r);
      } catch (err) {
        bar.stop();
        await report.close();
        if (err instanceof ImportFileError) {
          process.stderr.write(`${err.message}\n`);
          return 1;
        }
        throw err;
      }
      bar.stop();
      await report.close();
      rejected += summary.rejected;
      process.stdout.write(`${JSON.stringify({ ...summary, rejectReport: report.count ? reportPath : null })}\n`);
    }
  } finally {
    await engine.close();
    await store?.close();
  }
  if (rejected) process.stderr.write(`${rejected} row(s) rejected: see the .rejects.csv report(s) in ${path.resolve(o.reportDir)}\n`);
  return rejected ? 1 : 0;
}
