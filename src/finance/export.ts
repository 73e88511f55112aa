import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FinanceConfig } from './config.js';
import type { Stringifier } from 'csv-stringify';
import { detailCsvStream, detailRecord, detailTotalRecords, summaryCsv } from './csv.js';
import { reconcile, type Summary } from './reconcile.js';
import type { FinanceOrderSource } from './source.js';

export interface ExportResult {
  summary: Summary;
  summaryFile: string;
  detailFile: string;
  detailRows: number;
}

/**
 * Writes reconciliation-<month>-summary.csv and -detail.csv into `outDir`. The detail file streams
 * while the source is read; both are written under a .part name and renamed only when complete,
 * so a failed export never leaves a file that looks finished.
 */
/**
 * Reconciles the month into `csv` (a detailCsvStream()): one record per detail row as the source
 * is read, honouring backpressure, then the totals rows; ends the stream.
 */
export async function writeDetail(source: FinanceOrderSource, opts: { month: string; config: FinanceConfig; signal?: AbortSignal | undefined }, csv: Stringifier): Promise<{ summary: Summary; detailRows: number }> {
  let detailRows = 0;
  const put = async (record: string[]) => {
    if (!csv.write(record)) await once(csv, 'drain', opts.signal ? { signal: opts.signal } : {});
  };
  const summary = await reconcile(source, opts, async (row) => {
    detailRows++;
    await put(detailRecord(row));
  });
  for (const t of detailTotalRecords(summary)) await put(t);
  csv.end();
  return { summary, detailRows };
}

export async function exportMonth(source: FinanceOrderSource, opts: { month: string; config: FinanceConfig; outDir: string }): Promise<ExportResult> {
  await mkdir(opts.outDir, { recursive: true });
  const summaryFile = path.join(opts.outDir, `reconciliation-${opts.month}-summary.csv`);
  const detailFile = path.join(opts.outDir, `reconciliation-${opts.month}-detail.csv`);
  const detailPart = `${detailFile}.part`;
  const csv = detailCsvStream();
  const written = pipeline(csv, createWriteStream(detailPart));
  try {
    const { summary, detailRows } = await writeDetail(source, opts, csv);
    await written;
    await writeFile(`${summaryFile}.part`, summaryCsv(summary));
    await rename(detailPart, detailFile);
    await rename(`${summaryFile}.part`, summaryFile);
    return { summary, summaryFile, detailFile, detailRows };
  } catch (err) {
    csv.destroy();
    await written.catch(() => undefined);
    await rm(detailPart, { force: true });
    await rm(`${summaryFile}.part`, { force: true });
    throw err;
  }
}
