import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { MappingEngine } from '../mapping/engine.js';
import { commitBatch, finishCheckpoint, openCheckpoint, type HistoricalOrder } from '../store/db/historical.js';
import type { StoreDb } from '../store/db/connect.js';
import type { ImportEncoding } from './encoding.js';
import { mapRowGroup, rejectionOf, type ImportContext, type Rejection, type RowGroup } from './map-group.js';
import { readRows, type ImportFormat, type SourceRow } from './readers.js';

export interface ImportProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
  imported: number;
  rejected: number;
}

export interface ImportFileOptions {
  file: string;
  format: ImportFormat;
  encoding?: ImportEncoding | undefined;
  engine: MappingEngine;
  mappingId: string;
  context: ImportContext;
  /** Consecutive rows with the same value in this column are one order; '' = one row, one order. */
  groupBy: string;
  batchSize: number;
  /** null: a dry run, nothing is stored. */
  store: StoreDb | null;
  /** Each rejection as it is known (dry run), or as its batch commits (real run). */
  onReject: (r: Rejection) => void | Promise<void>;
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportSummary {
  file: string;
  importKey: string;
  dryRun: boolean;
  /** Source rows read in this run (rows before a resume point are skipped, not counted). */
  rows: number;
  /** Orders imported (dry run: that would be). */
  imported: number;
  /** Rejections (dry run: that would be). */
  rejected: number;
  /** The source row this run resumed after (0: from the start). */
  resumedAfterRow: number;
  /** A file already imported whole: nothing was read. */
  alreadyFinished: boolean;
}

/**
 * What identifies an import across crashes: the file's content, the mapping and the channel, so a
 * renamed file resumes and a changed one starts over.
 */
export async function importKeyOf(file: string, mappingId: string, channel: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return `${h.digest('hex').slice(0, 32)}:${mappingId}:${channel}`;
}

function groupKeyOf(r: Extract<SourceRow, { values: unknown }>, groupBy: string): string | null {
  if (!groupBy) return null;
  const v = r.values[groupBy];
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() || null : null;
}

/** Consecutive rows of one order, or a row that could not be read. */
async function* groups(rows: AsyncIterable<SourceRow>, groupBy: string): AsyncGenerator<RowGroup | Rejection> {
  let cur: { key: string | null; group: RowGroup } | null = null;
  for await (const r of rows) {
    if ('error' in r) {
      if (cur) yield cur.group;
      cur = null;
      yield { row: r.row, field: r.error.field, reason: r.error.reason };
      continue;
    }
    const key = groupKeyOf(r, groupBy);
    if (cur && key !== null && key === cur.key) {
      cur.group.rows.push(r.row);
      cur.group.values.push(r.values);
      continue;
    }
    if (cur) yield cur.group;
    cur = { key, group: { rows: [r.row], values: [r.values] } };
  }
  if (cur) yield cur.group;
}

/**
 * Imports one file: reads it as a stream, groups an order's rows, maps and validates each order,
 * and stores batches with their checkpoint. Rows at or before the checkpoint are skipped unread by
 * the mapping, so a crashed import resumes where its last batch committed.
 */
export async function importFile(o: ImportFileOptions): Promise<ImportSummary> {
  const totalBytes = (await stat(o.file)).size;
  const importKey = await importKeyOf(o.file, o.mappingId, o.context.channel);
  const summary: ImportSummary = { file: o.file, importKey, dryRun: o.store === null, rows: 0, imported: 0, rejected: 0, resumedAfterRow: 0, alreadyFinished: false };
  let after = 0;
  if (o.store) {
    const cp = await openCheckpoint(o.store, { importKey, file: path.basename(o.file), channel: o.context.channel, mapping: o.mappingId });
    if (cp.finishedAt) return { ...summary, alreadyFinished: true, imported: cp.imported, rejected: cp.rejected };
    after = cp.rowsDone;
    summary.resumedAfterRow = after;
  }
  let bytes = 0;
  const progress = () => o.onProgress?.({ bytes, totalBytes, rows: summary.rows, imported: summary.imported, rejected: summary.rejected });
  // Orders seen in this file: a second group with the same id (an unsorted export) is a rejection, not a merge.
  const seen = new Map<string, number>();
  let orders: HistoricalOrder[] = [];
  let rejects: Rejection[] = [];
  let lastRow = after;
  const flush = async () => {
    if (o.store) {
      const r = await commitBatch(o.store, importKey, o.mappingId, orders, rejects, lastRow);
      summary.imported += r.imported;
      summary.rejected += r.rejects.length;
      for (const x of r.rejects) await o.onReject(x);
    } else {
      summary.imported += orders.length;
      summary.rejected += rejects.length;
      for (const x of rejects) await o.onReject(x);
    }
    orders = [];
    rejects = [];
    progress();
  };
  const source = readRows(o.file, { format: o.format, encoding: o.encoding, onBytes: (n) => (bytes = n) });
  for await (const g of groups(source, o.groupBy)) {
    const rows = 'rows' in g ? g.rows : [g.row];
    const last = rows[rows.length - 1] ?? 0;
    if (last <= after) continue;
    summary.rows += rows.length;
    lastRow = last;
    if (!('rows' in g)) {
      rejects.push(g);
    } else {
      try {
        const order = await mapRowGroup(o.engine, o.mappingId, g, o.context);
        const id = order.source.platformOrderId;
        const dup = seen.get(id);
        if (dup !== undefined) rejects.push({ row: g.rows[0] ?? 0, field: o.groupBy || '订单编号', reason: `order ${id} appeared already at row ${dup} (rows of one order must be consecutive)` });
        else {
          seen.set(id, g.rows[0] ?? 0);
          orders.push({ order, sourceRows: g.values, row: g.rows[0] ?? 0 });
        }
      } catch (err) {
        rejects.push(rejectionOf(err, g, o.mappingId));
      }
    }
    if (orders.length + rejects.length >= o.batchSize) await flush();
    // Between batches too: at tens of rows a second on a busy machine, a batch is many seconds.
    else if (summary.rows % 50 === 0) progress();
  }
  if (orders.length || rejects.length || lastRow > after) await flush();
  if (o.store) await finishCheckpoint(o.store, importKey);
  return summary;
}
