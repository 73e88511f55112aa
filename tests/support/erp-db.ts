import { randomUUID } from 'node:crypto';
import odbc from 'odbc';
import { inject } from 'vitest';

/**
 * A legacy ERP's order table in the shared test PostgreSQL, reached through unixODBC + psqlODBC
 * like the hub reaches it. Each test file gets its own tables.
 */
export async function createErpTables(): Promise<{ db: odbc.Connection; orders: string; shipments: string; flagLog: string; close(): Promise<void> }> {
  const db = await odbc.connect(inject('odbcConnectionString'));
  const id = randomUUID().slice(0, 8);
  const orders = `erp_orders_${id}`;
  const shipments = `erp_shipments_${id}`;
  const flagLog = `erp_flag_log_${id}`;
  await db.query(`CREATE TABLE ${orders} (
    order_no varchar(32) PRIMARY KEY, shop_code varchar(16), status varchar(24) NOT NULL,
    created_at timestamp(3) NOT NULL, paid_at timestamp(3), updated_at timestamp(3) NOT NULL,
    buyer_name varchar(64), buyer_phone varchar(32), province varchar(32), city varchar(32), district varchar(32),
    address varchar(200), freight numeric(10,2), lines_json text NOT NULL, is_synced integer NOT NULL DEFAULT 0)`);
  await db.query(`CREATE INDEX ON ${orders} (updated_at, order_no)`);
  await db.query(`CREATE TABLE ${shipments} (order_no varchar(32) NOT NULL, event varchar(16) NOT NULL, status varchar(24), carrier varchar(32), tracking_no varchar(64), event_at varchar(40), PRIMARY KEY (order_no, event))`);
  // Records when each flag was written (clock_timestamp: the real time of the write, not of the transaction).
  await db.query(`CREATE TABLE ${flagLog} (order_no varchar(32), value integer, at timestamptz DEFAULT clock_timestamp())`);
  await db.query(`CREATE TABLE ${flagLog}_switch (fail boolean NOT NULL)`);
  await db.query(`INSERT INTO ${flagLog}_switch VALUES (false)`);
  await db.query(`CREATE FUNCTION ${flagLog}_fn() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT fail FROM ${flagLog}_switch LIMIT 1) THEN RAISE EXCEPTION 'flag write refused (test switch)'; END IF;
      INSERT INTO ${flagLog} (order_no, value) VALUES (NEW.order_no, NEW.is_synced);
      RETURN NEW;
    END $$`);
  await db.query(`CREATE TRIGGER ${flagLog}_tr BEFORE UPDATE OF is_synced ON ${orders} FOR EACH ROW EXECUTE FUNCTION ${flagLog}_fn()`);
  return { db, orders, shipments, flagLog, close: () => db.close() };
}

/** "YYYY-MM-DD HH:MM:SS.mmm" in GMT+8, the ERP's wall clock. */
export function erpTime(ms = Date.now()): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);
}

export interface ErpRowInput {
  orderNo: string;
  status?: string;
  updatedAt: string;
  sku?: string;
}

/** One order row as the ERP holds it (and as an ERP webhook's order.approved carries it). */
export function erpOrderRow(r: ErpRowInput & { phone?: string }): Record<string, string | number | null> {
  return {
    order_no: r.orderNo, shop_code: 'S1', status: r.status ?? 'PAID', created_at: r.updatedAt, paid_at: r.updatedAt, updated_at: r.updatedAt,
    buyer_name: '张三', buyer_phone: r.phone ?? '13800000000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园 1 号', freight: 0,
    lines_json: JSON.stringify([{ line_no: '1', sku: r.sku ?? 'SKU-1', name: '中性笔', qty: 1, price: '15.00' }]),
  };
}

export async function insertOrder(db: odbc.Connection, table: string, r: ErpRowInput): Promise<void> {
  const row = erpOrderRow(r);
  const cols = Object.keys(row);
  await db.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((c) => (row[c] === null ? '' : String(row[c]))));
}
