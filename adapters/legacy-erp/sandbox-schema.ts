/**
 * The SQL of the legacy-ERP sandbox: an ERP's order table and the hub's write-back table in a
 * schema of their own, with a gate every statement passes through. The gate is where the fault
 * switches act, inside the database, so the adapter meets them through ODBC as it would meet a
 * sick ERP: an error with its SQLSTATE, a statement that takes long, or one that never ends.
 *
 * A database has no 429: the "come back later" a statement can meet is a serialization failure
 * (40001), so that is what the rate-limit switch raises. Too-many-connections (53300) happens at
 * login, where psqlODBC reports it as a connection failure, not per statement.
 *
 * A sequence counts statements: it is not rolled back when the gate raises, so "the next n
 * statements fail" holds even though each failing statement's transaction is undone.
 */
export function schemaStatements(s: string): string[] {
  return [
    `CREATE SCHEMA ${s}`,
    `CREATE SEQUENCE ${s}.sandbox_calls`,
    `CREATE TABLE ${s}.sandbox_switch (mode varchar(24) NOT NULL, latency_ms integer NOT NULL, until_n bigint)`,
    `INSERT INTO ${s}.sandbox_switch VALUES ('none', 0, NULL)`,
    `CREATE FUNCTION ${s}.sandbox_gate() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      DECLARE n bigint; sw record;
      BEGIN
        n := nextval('${s}.sandbox_calls');
        SELECT * INTO sw FROM ${s}.sandbox_switch LIMIT 1;
        IF sw.latency_ms > 0 THEN PERFORM pg_sleep(sw.latency_ms / 1000.0); END IF;
        IF sw.mode = 'none' OR (sw.until_n IS NOT NULL AND n > sw.until_n) THEN RETURN true; END IF;
        IF sw.mode = 'hang' THEN PERFORM pg_sleep(3600); END IF;
        IF sw.mode = 'server_error' THEN RAISE EXCEPTION 'erp sandbox: the server cannot serve now (fault switch)' USING ERRCODE = '57P03'; END IF;
        IF sw.mode = 'gateway_timeout' THEN RAISE EXCEPTION 'erp sandbox: statement timed out (fault switch)' USING ERRCODE = '57014'; END IF;
        IF sw.mode = 'rate_limited' THEN RAISE EXCEPTION 'erp sandbox: could not serialize access, retry later (fault switch)' USING ERRCODE = '40001'; END IF;
        RETURN true;
      END $$`,
    // The rows as the ERP keeps them; the hub reads them through the gated view below.
    `CREATE TABLE ${s}.sales_orders_data (
      order_no varchar(32) PRIMARY KEY, shop_code varchar(16), status varchar(24) NOT NULL,
      created_at timestamp(3) NOT NULL, paid_at timestamp(3), updated_at timestamp(3) NOT NULL,
      buyer_name varchar(64), buyer_phone varchar(32), province varchar(32), city varchar(32), district varchar(32),
      address varchar(200), freight numeric(10,2), discount numeric(10,2), buyer_message varchar(200), seller_memo varchar(200),
      lines_json text NOT NULL, is_synced integer NOT NULL DEFAULT 0)`,
    `CREATE INDEX ON ${s}.sales_orders_data (updated_at, order_no)`,
    // One gate call per statement: an uncorrelated sub-select is an InitPlan, run once. A simple
    // one-table view stays updatable, so the hub's is_synced flag writes go through it too.
    `CREATE VIEW ${s}.sales_orders AS SELECT * FROM ${s}.sales_orders_data WHERE (SELECT ${s}.sandbox_gate())`,
    `CREATE TABLE ${s}.hub_shipments (order_no varchar(32) NOT NULL, event varchar(16) NOT NULL, status varchar(24), carrier varchar(32), tracking_no varchar(64), event_at varchar(40), written_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (order_no, event))`,
    `CREATE FUNCTION ${s}.sandbox_gate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM ${s}.sandbox_gate(); RETURN NULL; END $$`,
    `CREATE TRIGGER sandbox_gate BEFORE INSERT OR UPDATE ON ${s}.hub_shipments FOR EACH STATEMENT EXECUTE FUNCTION ${s}.sandbox_gate_trigger()`,
  ];
}

export const ORDER_COLUMNS = ['order_no', 'shop_code', 'status', 'created_at', 'paid_at', 'updated_at', 'buyer_name', 'buyer_phone', 'province', 'city', 'district', 'address', 'freight', 'discount', 'buyer_message', 'seller_memo', 'lines_json'] as const;
