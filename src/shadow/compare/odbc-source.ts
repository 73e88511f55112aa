import type { MappingEngine } from '../../mapping/engine.js';
import { mapLegacyRows, type LegacyOutcomes } from './legacy-outcomes.js';

/** A cell as the shadow mapping reads it: text, number or null (drivers hand back bigints and dates too). */
function cell(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}

/**
 * The old system's outcomes of a channel's day read from its database over unixODBC (the same
 * `odbc` package the legacy-ERP connector uses). The query gets the channel and the date as its
 * two parameters; each row goes through the shadow mapping like a row of an export file.
 */
export async function readLegacyOdbc(engine: MappingEngine, o: { connectionString: string; query: string; channel: string; date: string; mappingId: string; currency: string }): Promise<LegacyOutcomes> {
  const odbc = (await import('odbc')).default;
  const db = await odbc.connect(o.connectionString);
  try {
    const rows = await db.query<Record<string, unknown>>(o.query, [o.channel, o.date]);
    async function* numbered() {
      let n = 0;
      for (const r of rows) yield { row: ++n, values: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)])) };
    }
    return await mapLegacyRows(engine, o.mappingId, numbered(), o.currency);
  } finally {
    await db.close();
  }
}
