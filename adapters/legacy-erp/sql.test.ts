import { describe, expect, it } from 'vitest';
import { legacyErpConfig, type PollConfig } from './config.js';
import { buildMarkRows, buildSelect, buildWriteBack, compareCursor, compareTimestamps, maxCursor, overlapStart, shiftTimestamp } from './sql.js';

const base = { connection: '${X}', poll: { table: 'erp.orders', keyColumn: 'order_no', updatedAtColumn: 'updated_at', syncedColumn: 'is_synced', batchSize: 100 } };
const pollOf = (over: Record<string, unknown> = {}): PollConfig => {
  const r = legacyErpConfig.parse({ ...base, poll: { ...base.poll, ...over } });
  if (!r.poll) throw new Error('no poll');
  return r.poll;
};

describe('legacy-erp cursor comparison', () => {
  it('orders by timestamp, then by key for rows sharing one', () => {
    expect(compareCursor({ updatedAt: '2026-01-01 10:00:00.000', key: 'A2' }, { updatedAt: '2026-01-01 10:00:00.000', key: 'A10' })).toBe(1);
    expect(compareCursor({ updatedAt: '2026-01-01 10:00:00.000', key: 'B' }, { updatedAt: '2026-01-01 10:00:00.001', key: 'A' })).toBe(-1);
    expect(compareCursor({ updatedAt: '2026-01-01 10:00:00', key: 'A' }, { updatedAt: '2026-01-01 10:00:00', key: 'A' })).toBe(0);
  });
  it('compares driver renderings of one instant as equal (trailing zeros dropped)', () => {
    expect(compareTimestamps('2026-11-22 10:31:48.99', '2026-11-22 10:31:48.990')).toBe(0);
    expect(compareTimestamps('2026-11-22 10:31:48', '2026-11-22 10:31:48.000')).toBe(0);
    expect(compareTimestamps('2026-11-22 10:31:48.1', '2026-11-22 10:31:48.09')).toBe(1);
  });
  it('maxCursor never moves back', () => {
    const a = { updatedAt: '2026-01-01 10:00:00', key: 'B' };
    const b = { updatedAt: '2026-01-01 09:00:00', key: 'Z' };
    expect(maxCursor(a, b)).toBe(a);
    expect(maxCursor(null, b)).toBe(b);
    expect(maxCursor(a, null)).toBe(a);
  });
});

describe('legacy-erp overlap window', () => {
  it('starts a run the overlap before the cursor, keeping the wall-clock format', () => {
    expect(shiftTimestamp('2026-01-01 00:00:30.250', 60)).toBe('2025-12-31 23:59:30.250');
    expect(shiftTimestamp('2026-03-01 00:00:00', 1)).toBe('2026-02-28 23:59:59');
    expect(overlapStart({ updatedAt: '2026-01-01 10:01:00', key: 'K9' }, 60)).toEqual({ updatedAt: '2026-01-01 10:00:00', key: '' });
    expect(overlapStart({ updatedAt: '2026-01-01 10:01:00', key: 'K9' }, 0)).toEqual({ updatedAt: '2026-01-01 10:01:00', key: 'K9' });
    expect(overlapStart(null, 60)).toBeNull();
  });
  it('keeps the cursor when the column is not a timestamp it can shift', () => {
    expect(overlapStart({ updatedAt: '123456', key: 'K' }, 60)).toEqual({ updatedAt: '123456', key: 'K' });
  });
});

describe('legacy-erp SQL', () => {
  it('expresses (updated_at, key) > cursor without row values, ordered by both', () => {
    const st = buildSelect(pollOf(), { updatedAt: '2026-01-01 10:00:00', key: 'A1' });
    expect(st.sql).toBe('SELECT * FROM erp.orders WHERE (updated_at > ? OR (updated_at = ? AND order_no > ?)) ORDER BY updated_at, order_no LIMIT 100');
    expect(st.params).toEqual(['2026-01-01 10:00:00', '2026-01-01 10:00:00', 'A1']);
  });
  it('spells the row limit per database', () => {
    expect(buildSelect(pollOf({ limitStyle: 'top' }), null).sql).toBe('SELECT TOP 100 * FROM erp.orders WHERE updated_at IS NOT NULL ORDER BY updated_at, order_no');
    expect(buildSelect(pollOf({ limitStyle: 'fetch-first' }), null).sql).toMatch(/ORDER BY updated_at, order_no FETCH FIRST 100 ROWS ONLY$/);
  });
  it('reads unsynced rows by key with flag-only capture', () => {
    const st = buildSelect(pollOf({ updatedAtColumn: undefined }), null);
    expect(st.sql).toBe('SELECT * FROM erp.orders WHERE (is_synced IS NULL OR is_synced = 0) ORDER BY order_no LIMIT 100');
  });
  it('wraps a configured query as a derived table', () => {
    const p = legacyErpConfig.parse({ connection: '${X}', poll: { query: 'SELECT o.* FROM orders o WHERE o.kind = 1', keyColumn: 'order_no', updatedAtColumn: 'updated_at' } }).poll;
    expect(p && buildSelect(p, null).sql).toBe('SELECT * FROM (SELECT o.* FROM orders o WHERE o.kind = 1) zs_src WHERE updated_at IS NOT NULL ORDER BY updated_at, order_no LIMIT 500');
  });
  it('flags rows in chunks, with bound keys', () => {
    const sts = buildMarkRows(pollOf(), 1, ['a', 'b', 'c'], 2);
    expect(sts).toEqual([
      { sql: 'UPDATE erp.orders SET is_synced = 1 WHERE order_no IN (?, ?)', params: ['a', 'b'] },
      { sql: 'UPDATE erp.orders SET is_synced = 1 WHERE order_no IN (?)', params: ['c'] },
    ]);
    expect(buildMarkRows(pollOf({ syncedColumn: undefined }), 1, ['a'])).toEqual([]);
  });
  it('upserts write-backs by order + event, or calls the procedure', () => {
    const v = { orderNo: 'SO1', event: 'shipped', status: 'SHIPPED', carrier: 'SF', trackingNo: 'SF1', eventAt: '2026-01-01T10:00:00+08:00' };
    const t = buildWriteBack({ table: 'erp_ship', callStyle: 'escape' }, v);
    expect(t.update?.sql).toBe('UPDATE erp_ship SET status = ?, carrier = ?, tracking_no = ?, event_at = ? WHERE order_no = ? AND event = ?');
    expect(t.update?.params).toEqual(['SHIPPED', 'SF', 'SF1', '2026-01-01T10:00:00+08:00', 'SO1', 'shipped']);
    expect(t.insert?.params).toEqual(['SO1', 'shipped', 'SHIPPED', 'SF', 'SF1', '2026-01-01T10:00:00+08:00']);
    expect(buildWriteBack({ procedure: 'dbo.hub_shipment', callStyle: 'escape' }, v).call?.sql).toBe('{CALL dbo.hub_shipment(?, ?, ?, ?, ?, ?)}');
    expect(buildWriteBack({ procedure: 'hub_shipment', callStyle: 'call' }, v).call?.sql).toBe('CALL hub_shipment(?, ?, ?, ?, ?, ?)');
  });
});

describe('legacy-erp config', () => {
  const problems = (poll: Record<string, unknown>) => {
    const r = legacyErpConfig.safeParse({ connection: '${X}', poll });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('refuses identifiers that could carry SQL', () => {
    expect(problems({ table: 'orders; DROP TABLE x', keyColumn: 'id', syncedColumn: 'f' })[0]).toMatch(/^poll\.table: table: a plain SQL identifier/);
  });
  it('needs a change-capture column and exactly one of table or query', () => {
    expect(problems({ table: 't', keyColumn: 'id' })).toContain('poll.updatedAtColumn: change capture needs updatedAtColumn, syncedColumn, or both');
    expect(problems({ table: 't', query: 'SELECT 1', keyColumn: 'id', updatedAtColumn: 'u' })).toContain('poll.table: give exactly one of table or query');
    expect(problems({ query: 'DELETE FROM t', keyColumn: 'id', updatedAtColumn: 'u' })).toContain('poll.query: query must be a single SELECT');
  });
});
