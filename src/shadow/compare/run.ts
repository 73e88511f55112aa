import { offsetMinutes } from '../../finance/config.js';
import { formatOf } from '../../import/readers.js';
import type { ImportEncoding } from '../../import/encoding.js';
import type { MappingEngine } from '../../mapping/engine.js';
import type { StoreDb } from '../../store/db/connect.js';
import { compareOutcomes, type ComparisonReport } from './compare.js';
import { hubOutcomes } from './hub-outcomes.js';
import { readLegacyFile, type LegacyReject } from './legacy-outcomes.js';

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

/** One channel's day: the hub's outcomes from the store against the old system's export. */
export async function compareDay(d: { store: StoreDb; engine: MappingEngine }, o: { channel: string; currency: string; date: string; utcOffset: string; file: string; mapping: string; encoding?: ImportEncoding | undefined }): Promise<ShadowComparison> {
  const format = formatOf(o.file);
  if (!format) throw new Error(`${o.file}: not a CSV, XLSX or JSON-lines file (by its extension)`);
  if (!d.engine.has(o.mapping)) throw new Error(`mapping: ${o.mapping} is not loaded`);
  const { from, to } = dayWindow(o.date, o.utcOffset);
  const legacy = await readLegacyFile(d.engine, o.file, { mappingId: o.mapping, currency: o.currency, format, encoding: o.encoding });
  const hub = await hubOutcomes(d.store, { channel: o.channel, from, to });
  return { ...compareOutcomes(hub, legacy.outcomes, { channel: o.channel, from: from.toISOString(), to: to.toISOString() }), rejects: legacy.rejects, source: o.file };
}
