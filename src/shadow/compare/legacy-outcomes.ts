import { MAPPING_LANE, MappingError, type MappingEngine } from '../../mapping/engine.js';
import { readRows, type ImportFormat } from '../../import/readers.js';
import type { ImportEncoding } from '../../import/encoding.js';
import { errorMessage } from '../../util/errors.js';
import { OrderOutcome } from './outcome.js';

/** A row of the old system's export that could not be compared: where, which field, why. */
export interface LegacyReject {
  row: number;
  field: string;
  reason: string;
}

export interface LegacyOutcomes {
  outcomes: OrderOutcome[];
  rejects: LegacyReject[];
}

/** "<column>: reason" as the shadow mappings phrase their errors. */
const COLUMN_MESSAGE = /^([^:]{1,40}): (.+)$/s;

function rejectOf(row: number, mappingId: string, err: unknown): LegacyReject {
  if (!(err instanceof MappingError)) return { row, field: '', reason: errorMessage(err) };
  const text = (err.message.startsWith(`${mappingId}: `) ? err.message.slice(mappingId.length + 2) : err.message).replace(/ \(at position \d+\)$/, '');
  const m = COLUMN_MESSAGE.exec(text);
  return m?.[1] && m[2] ? { row, field: m[1], reason: m[2] } : { row, field: '', reason: text };
}

/** Maps already-read rows (from a file or ODBC) into outcomes; a row that fails is a reject, never dropped. */
export async function mapLegacyRows(engine: MappingEngine, mappingId: string, rows: AsyncIterable<{ row: number; values: Record<string, unknown> } | { row: number; error: { field: string; reason: string } }>, currency: string): Promise<LegacyOutcomes> {
  const outcomes: OrderOutcome[] = [];
  const rejects: LegacyReject[] = [];
  for await (const r of rows) {
    if ('error' in r) {
      rejects.push({ row: r.row, ...r.error });
      continue;
    }
    let out: unknown;
    try {
      // The dry-run lane: a comparison in a running hub never makes intake wait.
      out = await engine.evaluate(mappingId, { row: r.values }, { currency }, { lane: MAPPING_LANE.dryRun });
    } catch (err) {
      rejects.push(rejectOf(r.row, mappingId, err));
      continue;
    }
    const parsed = OrderOutcome.safeParse(out);
    if (parsed.success) outcomes.push(parsed.data);
    else {
      const issue = parsed.error.issues[0];
      rejects.push({ row: r.row, field: issue?.path.join('.') ?? '', reason: issue?.message ?? 'not an outcome' });
    }
  }
  return { outcomes, rejects };
}

/** The old system's export file (CSV in UTF-8 or GBK, XLSX, JSON lines), one row per order. */
export function readLegacyFile(engine: MappingEngine, file: string, o: { mappingId: string; currency: string; format: ImportFormat; encoding?: ImportEncoding | undefined }): Promise<LegacyOutcomes> {
  return mapLegacyRows(engine, o.mappingId, readRows(file, { format: o.format, encoding: o.encoding }), o.currency);
}
