import type { PollConfig, WriteBackConfig } from './config.js';

/** Where a poll resumes: the last row taken, by (updated-at, key). Rows sharing a timestamp are ordered by key. */
export interface Cursor {
  updatedAt: string;
  key: string;
}

export interface Statement {
  sql: string;
  params: string[];
}

/** Timestamps as ODBC drivers render them: "YYYY-MM-DD HH:MM:SS[.fff]" (or ISO with T). */
const TS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * Moves a driver timestamp back by `seconds`, keeping its wall-clock form: the arithmetic is on
 * the same naive clock the ERP writes, so no time zone is assumed. Returns null for a value that
 * is not a timestamp (the overlap is then skipped rather than guessed).
 */
export function shiftTimestamp(ts: string, seconds: number): string | null {
  const m = TS.exec(ts.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0) - seconds * 1000;
  const t = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${p(t.getUTCFullYear(), 4)}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`;
  return frac ? `${base}.${p(t.getUTCMilliseconds(), 3)}` : base;
}

/** Orders two driver timestamps of the same column (same format): by their parsed instant, else as text. */
export function compareTimestamps(a: string, b: string): number {
  const ma = TS.exec(a.trim());
  const mb = TS.exec(b.trim());
  if (ma && mb) {
    const norm = (m: RegExpExecArray) => `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}.${(m[7] ?? '').padEnd(9, '0')}`;
    const x = norm(ma);
    const y = norm(mb);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * (updatedAt, key) order, the one the SELECT uses. Keys compare as the database compares
 * strings for ASCII order numbers; the poller only uses this to tell re-reads (at or before the
 * durable cursor) from new rows, never to decide what the database returns.
 */
export function compareCursor(a: Cursor, b: Cursor): number {
  const t = compareTimestamps(a.updatedAt, b.updatedAt);
  if (t !== 0) return t;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function maxCursor(a: Cursor | null, b: Cursor | null): Cursor | null {
  if (!a) return b;
  if (!b) return a;
  return compareCursor(a, b) >= 0 ? a : b;
}

function source(p: PollConfig): string {
  return p.table ?? `(${p.query ?? ''}) zs_src`;
}

function limited(p: PollConfig, select: string, rest: string): string {
  const n = p.batchSize;
  if (p.limitStyle === 'top') return `SELECT TOP ${n} ${select} ${rest}`;
  if (p.limitStyle === 'fetch-first') return `SELECT ${select} ${rest} FETCH FIRST ${n} ROWS ONLY`;
  return `SELECT ${select} ${rest} LIMIT ${n}`;
}

/**
 * The next batch after `from`. `(u, k) > (a, b)` is written as `u > a OR (u = a AND k > b)`:
 * row-value comparison is not portable across the ODBC databases sellers run (SQL Server lacks it).
 * Flag-only capture reads unsynced rows by key; they leave the result set as they are flagged.
 */
export function buildSelect(p: PollConfig, from: Cursor | null): Statement {
  const u = p.updatedAtColumn;
  const k = p.keyColumn;
  if (!u) {
    const f = p.syncedColumn ?? '';
    return { sql: limited(p, '*', `FROM ${source(p)} WHERE (${f} IS NULL OR ${f} = ${p.unsyncedValue}) ORDER BY ${k}`), params: [] };
  }
  if (!from) return { sql: limited(p, '*', `FROM ${source(p)} WHERE ${u} IS NOT NULL ORDER BY ${u}, ${k}`), params: [] };
  return {
    sql: limited(p, '*', `FROM ${source(p)} WHERE (${u} > ? OR (${u} = ? AND ${k} > ?)) ORDER BY ${u}, ${k}`),
    params: [from.updatedAt, from.updatedAt, from.key],
  };
}

/** Where a run starts reading: the overlap window before the durable cursor (key '' sorts first). */
export function overlapStart(cursor: Cursor | null, overlapSeconds: number): Cursor | null {
  if (!cursor) return null;
  if (overlapSeconds === 0) return cursor;
  const earlier = shiftTimestamp(cursor.updatedAt, overlapSeconds);
  return earlier === null ? cursor : { updatedAt: earlier, key: '' };
}

/** Sets the change-capture flag on the given keys, in chunks the drivers accept. */
export function buildMarkRows(p: PollConfig, value: number, keys: readonly string[], chunk = 200): Statement[] {
  if (!p.syncedColumn || !p.table || !keys.length) return [];
  const out: Statement[] = [];
  for (let i = 0; i < keys.length; i += chunk) {
    const part = keys.slice(i, i + chunk);
    out.push({ sql: `UPDATE ${p.table} SET ${p.syncedColumn} = ${value} WHERE ${p.keyColumn} IN (${part.map(() => '?').join(', ')})`, params: [...part] });
  }
  return out;
}

export interface ShipmentWriteBack {
  orderNo: string;
  event: string;
  status: string;
  carrier: string | null;
  trackingNo: string | null;
  eventAt: string;
}

/**
 * Write-back statements. A table is upserted portably (UPDATE, then INSERT when nothing was
 * updated) keyed by order_no + event, so a retried activity writes the row once; a procedure
 * gets the six values and owns its idempotency.
 */
export function buildWriteBack(w: WriteBackConfig, v: ShipmentWriteBack): { update?: Statement; insert?: Statement; call?: Statement } {
  const vals = [v.status, v.carrier ?? '', v.trackingNo ?? '', v.eventAt];
  if (w.procedure) {
    const call = `${w.procedure}(?, ?, ?, ?, ?, ?)`;
    return { call: { sql: w.callStyle === 'call' ? `CALL ${call}` : `{CALL ${call}}`, params: [v.orderNo, v.event, ...vals] } };
  }
  const t = w.table ?? '';
  return {
    update: { sql: `UPDATE ${t} SET status = ?, carrier = ?, tracking_no = ?, event_at = ? WHERE order_no = ? AND event = ?`, params: [...vals, v.orderNo, v.event] },
    insert: { sql: `INSERT INTO ${t} (order_no, event, status, carrier, tracking_no, event_at) VALUES (?, ?, ?, ?, ?, ?)`, params: [v.orderNo, v.event, ...vals] },
  };
}
