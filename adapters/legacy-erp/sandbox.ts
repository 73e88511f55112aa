import { randomUUID } from 'node:crypto';
import type odbc from 'odbc';
import { z } from 'zod';
import { NO_FAULTS, SANDBOX_FAULT, SandboxLog, type SandboxDefinition, type SandboxFaults, type SandboxServer, type SandboxStartOptions, type SandboxSystem } from '../../src/sandbox/core.js';
import { hubRoute, parseSandboxInput, pushToHub, SandboxTime, yuan, type PushResult } from '../../src/sandbox/platform-kit.js';
import type { ErpEventEnvelope } from '../../src/legacy-erp/events.js';
import type { ERP_EVENT_TYPES } from '../../src/legacy-erp/events.js';
import { API_KEY_HEADER, signErpBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.js';
import type { ORDER_COLUMNS} from './sandbox-schema.js';
import { schemaStatements } from './sandbox-schema.js';

/**
 * A legacy ERP as the hub meets it: a real PostgreSQL schema (order rows the hub polls over
 * ODBC, the table it writes shipments back to) and the webhooks the ERP sends, signed as the
 * adapter expects. Nothing is mocked: the sandbox needs a PostgreSQL reachable through unixODBC
 * + psqlODBC (tests use the one their global setup starts) and creates a schema of its own there,
 * dropped on close.
 *
 * Fault switches: server error, gateway timeout (57014), rate limit (53300), hang and latency act
 * inside the database on every statement (sandbox-schema.ts); bad signature and malformed body
 * act on the webhooks it sends. `server.url` is `odbc:<schema>`, since there is no HTTP server.
 */

const ADAPTER_ID = 'legacy-erp';

/** ERP wall clock, "YYYY-MM-DD HH:MM:SS.mmm" in GMT+8, as the order table stores it. */
export function erpWallClock(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 23);
}

export const ErpLineInput = z
  .object({ sku: z.string().min(1), qty: z.number().int().positive(), price: z.number().int().nonnegative().describe('unit price in fen'), name: z.string().min(1).optional() })
  .strict();

export const ErpOrderInput = z
  .object({
    orderNo: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'an ERP order number (letters, digits, _ and -)'),
    status: z.string().min(1).default('PAID'),
    shopCode: z.string().min(1).default('S1'),
    lines: z.array(ErpLineInput).min(1),
    freight: z.number().int().nonnegative().default(0),
    discount: z.number().int().nonnegative().default(0),
    buyer: z
      .object({ name: z.string().min(1), phone: z.string().min(1), province: z.string().min(1), city: z.string().min(1), district: z.string(), address: z.string().min(1) })
      .strict()
      .default({ name: '张三', phone: '13800000000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园 1 号' }),
    sellerMemo: z.string().default(''),
    updatedAt: SandboxTime.optional(),
    paidAt: SandboxTime.optional(),
  })
  .strict();
export type ErpOrderInput = z.input<typeof ErpOrderInput>;

export const ErpOrderPatch = z.object({ status: z.string().min(1).optional(), sellerMemo: z.string().optional(), updatedAt: SandboxTime.optional() }).strict();
export type ErpOrderPatch = z.input<typeof ErpOrderPatch>;

export interface LegacyErpSandboxOptions extends SandboxStartOptions {
  /** ODBC connection string of the PostgreSQL to put the schema in. */
  connection: string;
  /** HMAC key the webhooks are signed with; the connector config carries it. */
  webhookSecret?: string;
  /** Or an API key sent in X-Api-Key instead of a signature. */
  apiKey?: string;
  /** Rows to start with. */
  seed?: ErpOrderInput[];
}

export interface ErpRowState {
  orderNo: string;
  status: string;
  updatedAt: string;
  isSynced: number;
}
export interface ErpShipmentRow {
  orderNo: string;
  event: string;
  status: string | null;
  carrier: string | null;
  trackingNo: string | null;
  eventAt: string | null;
}

export interface LegacyErpSandbox extends SandboxSystem {
  readonly schema: string;
  placeOrder(input: ErpOrderInput): Promise<void>;
  updateOrder(orderNo: string, patch: ErpOrderPatch): Promise<void>;
  /** A row exactly as given (column -> text), for rows a well-behaved ERP would not write. */
  insertRawRow(row: Readonly<Record<string, string | null>>): Promise<void>;
  /** Sends one ERP event to the hub's `/webhooks/legacy-erp/<channel>`, signed (or keyed) as configured. */
  sendWebhook(channel: string, type: (typeof ERP_EVENT_TYPES)[number], data: Record<string, unknown>, opts?: { id?: string }): Promise<PushResult>;
  /** The rows and what the hub wrote back, read from the database. */
  snapshot(): Promise<{ orders: ErpRowState[]; shipments: ErpShipmentRow[] }>;
  state(): LegacyErpSandboxState;
}

export interface LegacyErpSandboxState {
  schema: string;
  webhooksSent: { id: string; type: string; channel: string; status: number | null }[];
  faults: SandboxFaults;
}

const ShipmentRow = z.object({ order_no: z.string(), event: z.string(), status: z.string().nullable(), carrier: z.string().nullable(), tracking_no: z.string().nullable(), event_at: z.string().nullable() });
const OrderRow = z.object({ order_no: z.string(), status: z.string(), updated_at: z.string(), is_synced: z.number() });
const DB_MODES: ReadonlySet<string> = new Set([SANDBOX_FAULT.SERVER_ERROR, SANDBOX_FAULT.GATEWAY_TIMEOUT, SANDBOX_FAULT.RATE_LIMITED, SANDBOX_FAULT.HANG]);

async function loadOdbc(): Promise<typeof odbc> {
  return (await import('odbc')).default;
}

export const sandbox = {
  adapter: ADAPTER_ID,
  async start(opts?: LegacyErpSandboxOptions): Promise<LegacyErpSandbox> {
    if (!opts?.connection) throw new Error('legacy-erp sandbox: connection: the ODBC connection string of a PostgreSQL is required');
    const o = opts;
    const clock = o.clock ?? (() => new Date());
    const schema = `erp_sb_${randomUUID().slice(0, 8)}`;
    const secret = o.apiKey ? undefined : (o.webhookSecret ?? 'erp-sandbox-webhook-secret');
    const log = new SandboxLog(ADAPTER_ID, clock);
    const db = await (await loadOdbc()).connect(o.connection);
    for (const st of schemaStatements(schema)) await db.query(st);
    let faults: SandboxFaults = { ...NO_FAULTS };
    let webhookFaultsLeft: number | null = null;
    const sent: LegacyErpSandboxState['webhooksSent'] = [];

    const calls = async () => {
      const r = await db.query<{ last_value: string | number }>(`SELECT last_value FROM ${schema}.sandbox_calls`);
      return Number(r[0]?.last_value ?? 0);
    };
    const applyDbSwitch = async (f: SandboxFaults) => {
      const mode = DB_MODES.has(f.mode) ? f.mode : 'none';
      // The gate's counter has already been drawn once per statement so far; "remaining" counts from here.
      const until = mode !== 'none' && f.remaining !== null ? (await calls()) + f.remaining : null;
      await db.query(`UPDATE ${schema}.sandbox_switch SET mode = ?, latency_ms = ?, until_n = ?`, [mode, f.latencyMs, until === null ? null : String(until)] as (string | number)[]);
    };

    const insertRow = async (row: Readonly<Record<string, string | null>>) => {
      const cols = Object.keys(row);
      await db.query(`INSERT INTO ${schema}.sales_orders_data (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, cols.map((c) => row[c] ?? null) as string[]);
    };

    let pending: Promise<unknown> = Promise.resolve();
    const server: SandboxServer = {
      url: `odbc:${schema}`,
      get faults() {
        return faults;
      },
      // setFaults is synchronous in the shared shape; the database switch is written right after.
      // snapshot() and close() wait for it, so a test that needs the switch in place awaits one.
      setFaults(f) {
        faults = { ...faults, ...f };
        webhookFaultsLeft = faults.mode === SANDBOX_FAULT.BAD_SIGNATURE || faults.mode === SANDBOX_FAULT.MALFORMED ? faults.remaining : null;
        pending = pending.then(() => applyDbSwitch(faults)).catch((err: unknown) => log.record('fault.switch.failed', null, { error: err instanceof Error ? err.message : String(err) }));
      },
      get requestCount() {
        return sent.length;
      },
      // Statements reach PostgreSQL, not an HTTP server: nothing arrives here.
      arrivals: [],
      close: () => system.close(),
    };
    const system: LegacyErpSandbox = {
      adapter: ADAPTER_ID,
      schema,
      server,
      log,
      connectorConfig() {
        return {
          connection: o.connection,
          poll: { table: `${schema}.sales_orders`, keyColumn: 'order_no', updatedAtColumn: 'updated_at', syncedColumn: 'is_synced', overlapSeconds: 0 },
          writeBack: { table: `${schema}.hub_shipments` },
          webhook: secret ? { secret } : { apiKey: o.apiKey },
        };
      },
      async placeOrder(raw) {
        const v = parseSandboxInput(ErpOrderInput, raw, 'legacy-erp sandbox placeOrder');
        const at = erpWallClock(v.updatedAt ?? clock());
        const row: Record<(typeof ORDER_COLUMNS)[number], string | null> = {
          order_no: v.orderNo,
          shop_code: v.shopCode,
          status: v.status,
          created_at: at,
          paid_at: v.status === 'PAID' || v.paidAt ? erpWallClock(v.paidAt ?? v.updatedAt ?? clock()) : null,
          updated_at: at,
          buyer_name: v.buyer.name,
          buyer_phone: v.buyer.phone,
          province: v.buyer.province,
          city: v.buyer.city,
          district: v.buyer.district,
          address: v.buyer.address,
          freight: yuan(v.freight),
          discount: yuan(v.discount),
          buyer_message: '',
          seller_memo: v.sellerMemo,
          lines_json: JSON.stringify(v.lines.map((l, i) => ({ line_no: i + 1, sku: l.sku, name: l.name ?? l.sku, qty: l.qty, price: yuan(l.price) }))),
        };
        await insertRow(row);
        log.record('order.placed', v.orderNo, { status: v.status });
      },
      async updateOrder(orderNo, raw) {
        const p = parseSandboxInput(ErpOrderPatch, raw, 'legacy-erp sandbox updateOrder');
        // A change makes the row unsynced again, as the ERPs with an is_synced flag do.
        const sets = ['updated_at = ?', 'is_synced = 0', ...(p.status ? ['status = ?'] : []), ...(p.sellerMemo !== undefined ? ['seller_memo = ?'] : [])];
        const params = [erpWallClock(p.updatedAt ?? clock()), ...(p.status ? [p.status] : []), ...(p.sellerMemo !== undefined ? [p.sellerMemo] : []), orderNo];
        const r = await db.query(`UPDATE ${schema}.sales_orders_data SET ${sets.join(', ')} WHERE order_no = ?`, params);
        if (r.count === 0) throw new Error(`legacy-erp sandbox updateOrder: orderNo: no order ${orderNo}`);
        log.record('order.updated', orderNo, { fields: Object.keys(p) });
      },
      insertRawRow: insertRow,
      async sendWebhook(channel, type, data, so = {}) {
        if (!o.push) throw new Error('legacy-erp sandbox sendWebhook: push.hubUrl: start the sandbox with the hub to send to');
        const id = so.id ?? `evt-${randomUUID()}`;
        const envelope: ErpEventEnvelope = { id, type, occurredAt: erpWallClock(clock()), data };
        const faulty = faults.mode === SANDBOX_FAULT.BAD_SIGNATURE || faults.mode === SANDBOX_FAULT.MALFORMED ? faults.mode : null;
        if (faulty && webhookFaultsLeft !== null) {
          webhookFaultsLeft -= 1;
          if (webhookFaultsLeft <= 0) server.setFaults({ mode: SANDBOX_FAULT.NONE, remaining: null });
        }
        const body = faulty === SANDBOX_FAULT.MALFORMED ? JSON.stringify(envelope).slice(0, 20) : JSON.stringify(envelope);
        const ts = String(Math.floor(clock().getTime() / 1000));
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (secret) {
          headers[TIMESTAMP_HEADER] = ts;
          headers[SIGNATURE_HEADER] = signErpBody(faulty === SANDBOX_FAULT.BAD_SIGNATURE ? `${secret}-wrong` : secret, ts, body);
        } else if (o.apiKey) headers[API_KEY_HEADER] = faulty === SANDBOX_FAULT.BAD_SIGNATURE ? `${o.apiKey}-wrong` : o.apiKey;
        if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
        try {
          const res = await pushToHub({ log, kind: `webhook.${type}`, key: id, url: hubRoute(o.push.hubUrl, `/webhooks/legacy-erp/${encodeURIComponent(channel)}`), body, headers });
          sent.push({ id, type, channel, status: res.status });
          return res;
        } catch (err) {
          sent.push({ id, type, channel, status: null });
          throw err;
        }
      },
      async snapshot() {
        await pending;
        const orders = await db.query(`SELECT order_no, status, CAST(updated_at AS varchar) AS updated_at, is_synced FROM ${schema}.sales_orders_data ORDER BY updated_at, order_no`);
        const ships = await db.query(`SELECT order_no, event, status, carrier, tracking_no, event_at FROM ${schema}.hub_shipments ORDER BY written_at, order_no`);
        return {
          orders: Array.from(orders, (r) => OrderRow.parse(r)).map((r) => ({ orderNo: r.order_no, status: r.status, updatedAt: r.updated_at, isSynced: r.is_synced })),
          shipments: Array.from(ships, (r) => ShipmentRow.parse(r)).map((r) => ({ orderNo: r.order_no, event: r.event, status: r.status, carrier: r.carrier, trackingNo: r.tracking_no, eventAt: r.event_at })),
        };
      },
      state() {
        return { schema, webhooksSent: sent.map((s) => ({ ...s })), faults: { ...faults } };
      },
      async close() {
        await pending;
        await db.query(`UPDATE ${schema}.sandbox_switch SET mode = 'none', latency_ms = 0, until_n = NULL`);
        // Statements still held by the hang switch are cancelled, so the schema can go.
        await db.query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE ?`, [`%${schema}%`]);
        await db.query(`DROP SCHEMA ${schema} CASCADE`);
        await db.close();
      },
    };
    for (const row of o.seed ?? []) await system.placeOrder(row);
    return system;
  },
} satisfies SandboxDefinition<LegacyErpSandbox>;
