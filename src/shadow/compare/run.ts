import { offsetMinutes } from '../../finance/config.js';
import { formatOf } from '../../import/readers.js';
import type { ImportEncoding } from '../../import/encoding.js';
import type { MappingEngine } from '../../mapping/engine.js';
import type { StoreDb } from '../../store/db/connect.js';
import { compareOutcomes, type ComparisonReport } from './compare.js';
import { hubOutcomes } from './hub-outcomes.js';
import { readLegacyFile, type LegacyReject } from './legacy-outcomes.js';
import { readLegacyOdbc } from './odbc-source.js';
import type { ShadowConfig } from '../config.js';

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface ShadowComparison extends ComparisonReport {
  /** Rows of the old system's export that could not be read or mapped: row, field, reason. */
  rejects: LegacyReject[];
  /** The export compared against. */
  source: string;
}

/** [start, end) of a calendar day at a UTC offset, e.g. 2026-12-05 at +08:00. */
export function dayWindow(date: string, utcOffset: string): { from: Date; to: Date } {
  if (!DATE_PATTERN.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new Error(`date: expected YYYY-MM-DD, got "${date}"`);
  const from = new Date(Date.parse(`${date}T00:00:00Z`) - offsetMinutes(utcOffset) * 60_000);
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/** The export path for a channel and day: {channel} and {date} filled in. */
export function exportPath(template: string, channel: string, date: string): string {
  return template.replaceAll('{channel}', channel).replaceAll('{date}', date);
}

/** Where the old system's side comes from: its export file, or its database over ODBC. */
export type LegacySource = { file: string; encoding?: ImportEncoding | undefined } | { odbc: { connectionString: string; query: string } };

/** The configured source for a channel's day (an explicit file wins); null when none is configured. */
export function configuredSource(cmp: ShadowConfig['compare'], channel: string, date: string, file?: string): LegacySource | null {
  if (file) return { file, encoding: cmp.encoding };
  if (cmp.csvPath) return { file: exportPath(cmp.csvPath, channel, date), encoding: cmp.encoding };
  if (cmp.odbc) return { odbc: cmp.odbc };
  return null;
}

/** Names a source in a report without its connection string (it may carry a password). */
function describeSource(s: LegacySource): string {
  return 'file' in s ? s.file : 'odbc';
}

/** One channel's day: the hub's outcomes from the store against the old system's. */
export async function compareDay(d: { store: StoreDb; engine: MappingEngine }, o: { channel: string; currency: string; date: string; utcOffset: string; source: LegacySource; mapping: string }): Promise<ShadowComparison> {
  if (!d.engine.has(o.mapping)) throw new Error(`mapping: ${o.mapping} is not loaded`);
  const { from, to } = dayWindow(o.date, o.utcOffset);
  const src = o.source;
  let legacy;
  if ('file' in src) {
    const format = formatOf(src.file);
    if (!format) throw new Error(`${src.file}: not a CSV, XLSX or JSON-lines file (by its extension)`);
    legacy = await readLegacyFile(d.engine, src.file, { mappingId: o.mapping, currency: o.currency, format, encoding: src.encoding });
  } else legacy = await readLegacyOdbc(d.engine, { ...src.odbc, channel: o.channel, date: o.date, mappingId: o.mapping, currency: o.currency });
  const hub = await hubOutcomes(d.store, { channel: o.channel, from, to });
  return { ...compareOutcomes(hub, legacy.outcomes, { channel: o.channel, from: from.toISOString(), to: to.toISOString() }), rejects: legacy.rejects, source: describeSource(src) };
}
