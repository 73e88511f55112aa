import { ERROR_CODE } from '../../src/sdk/error-codes.js';
import type odbc from 'odbc';
import { z } from 'zod';
import type { AdapterDeps, AdapterInstance, InvokeContext, WebhookEvent, WebhookRequest, WebhookVerdict } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { CAPABILITY, type Capability } from '../../src/sdk/capabilities.js';
import { errorMessage } from '../../src/util/errors.js';
import type { LegacyErpConfig, PollConfig } from './config.js';
import { buildMarkRows, buildSelect, buildWriteBack, type Cursor, type Statement } from './sql.js';
import { verifyErpSignature } from './signature.js';
import { parseErpEvent } from './webhook.js';
import type { CallLimits, CapabilitySurfaces } from '../../src/sdk/surfaces.js';

const ADAPTER_ID = 'legacy-erp';

export type ErpRow = Record<string, unknown>;

/**
 * How long one guarded call may take. The `odbc` binding has no cancel: a query whose caller gave
 * up keeps its pooled connection until the database answers. So the call's deadline also goes to
 * the driver as the statement's query timeout (SQL_ATTR_QUERY_TIMEOUT, whole seconds), which makes
 * the database give the connection back at about the time the breaker stopped waiting.
 */
export type { CallLimits };

/** shipment.confirm input: what the lifecycle knows when a parcel moves. */
export const ShipmentWriteBackInput = z
  .object({
    orderNo: z.string().min(1),
    event: z.enum(['shipped', 'delivered']),
    status: z.string().min(1),
    carrier: z.string().nullable().default(null),
    trackingNo: z.string().nullable().default(null),
    at: z.string().min(1),
  })
  .strict();

const PullInput = z.object({ from: z.object({ updatedAt: z.string(), key: z.string() }).nullable().default(null) }).strict();

/** SQLSTATE classes that a retry can fix: connection trouble, deadlocks/serialization, timeouts. */
function retryableState(state: string): boolean {
  return state.startsWith('08') || state === '40001' || state === '40P01' || state === 'HYT00' || state === 'HYT01' || state.startsWith('57') || state === '';
}

/** ODBC failures become AdapterErrors: connection loss is retryable, a bad statement is not. */
function toAdapterError(err: unknown, what: string): AdapterError {
  const odbcErrors = typeof err === 'object' && err !== null && 'odbcErrors' in err && Array.isArray(err.odbcErrors) ? (err.odbcErrors as { state?: string; message?: string }[]) : [];
  const first = odbcErrors[0];
  const state = first?.state ?? '';
  const msg = `${what}: ${first?.message ?? errorMessage(err)}${state ? ` (SQLSTATE ${state})` : ''}`;
  return retryableState(state) ? AdapterError.retryable(ADAPTER_ID, 'odbc_error', msg) : AdapterError.rejected(ADAPTER_ID, 'odbc_statement_failed', msg);
}

/** Driver values as JSON for the mapping: 64-bit integers become strings so no digit is lost. */
function plainRow(row: ErpRow): ErpRow {
  const out: ErpRow = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? v.toString() : v instanceof ArrayBuffer || Buffer.isBuffer(v) ? Buffer.from(v as ArrayBuffer).toString('base64') : v;
  return out;
}

/** A column of a row by name; drivers differ in the case they report (PostgreSQL folds to lower). */
export function column(row: ErpRow, name: string): unknown {
  if (name in row) return row[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(row)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/**
 * The native `odbc` binding loads libodbc.so.2 (unixODBC) when imported: loaded on first use, so a
 * hub without legacy ERPs runs on a machine without unixODBC, and one with them gets this error.
 */
async function loadOdbc(): Promise<typeof odbc> {
  try {
    return (await import('odbc')).default;
  } catch (err) {
    throw AdapterError.rejected(ADAPTER_ID, 'odbc_unavailable', `the odbc module could not load (${errorMessage(err)}): install unixODBC (Debian: apt-get install unixodbc) and the database's ODBC driver`);
  }
}

/** The factory every adapter's instance.ts exports: a connector over its own ODBC pool. */
export function createLegacyErpInstance(config: LegacyErpConfig, deps: AdapterDeps): LegacyErpConnector {
  return new LegacyErpConnector(config, deps);
}

export class LegacyErpConnector implements AdapterInstance {
  private pool: Promise<odbc.Pool> | null = null;

  constructor(
    readonly config: LegacyErpConfig,
    private readonly deps: AdapterDeps,
  ) {}

  private getPool(): Promise<odbc.Pool> {
    this.pool ??= loadOdbc()
      .then((m) => m.pool({ connectionString: this.config.connection, initialSize: 1, incrementSize: 1, maxSize: this.config.poolSize, loginTimeout: this.config.loginTimeoutSeconds, shrink: true }))
      .catch((err: unknown) => {
        this.pool = null; // the next call tries again (the ERP may be back)
        throw err instanceof AdapterError ? err : toAdapterError(err, 'connect');
      });
    return this.pool;
  }

  async run(st: Statement, what: string, limits: CallLimits = {}): Promise<odbc.Result<ErpRow>> {
    const pool = await this.getPool();
    // A caller that already gave up (deadline passed, activity cancelled) does not take a connection.
    if (limits.signal?.aborted) throw AdapterError.retryable(ADAPTER_ID, 'aborted', `${what}: not sent, the call was abandoned`);
    try {
      if (limits.deadline === undefined) return await pool.query<ErpRow>(st.sql, st.params);
      const timeout = Math.max(1, Math.ceil((limits.deadline - Date.now()) / 1000));
      return await pool.query<ErpRow, { timeout: number }>(st.sql, st.params, { timeout });
    } catch (err) {
      throw toAdapterError(err, what);
    }
  }

  get poll(): PollConfig {
    if (!this.config.poll) throw AdapterError.rejected(ADAPTER_ID, 'not_configured', 'no poll section in this connector config');
    return this.config.poll;
  }

  /** The next batch after `from` (null = from the beginning), as plain JSON rows. */
  async fetchBatch(from: Cursor | null, limits: CallLimits = {}): Promise<ErpRow[]> {
    const res = await this.run(buildSelect(this.poll, from), 'select batch', limits);
    return Array.from(res, plainRow);
  }

  /** Sets the change-capture flag; a no-op without syncedColumn. */
  async markRows(value: number, keys: readonly string[], limits: CallLimits = {}): Promise<void> {
    for (const st of buildMarkRows(this.poll, value, keys)) await this.run(st, 'flag rows', limits);
  }

  async writeShipment(raw: unknown, limits: CallLimits = {}): Promise<{ written: boolean; mode: 'table' | 'procedure' | 'none'; action?: 'inserted' | 'updated' | 'called' }> {
    const r = ShipmentWriteBackInput.safeParse(raw);
    if (!r.success) throw AdapterError.rejected(ADAPTER_ID, 'invalid_input', `shipment.confirm input: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const w = this.config.writeBack;
    if (!w) return { written: false, mode: 'none' };
    const v = r.data;
    const st = buildWriteBack(w, { orderNo: v.orderNo, event: v.event, status: v.status, carrier: v.carrier, trackingNo: v.trackingNo, eventAt: v.at });
    if (st.call) {
      await this.run(st.call, 'write-back procedure', limits);
      return { written: true, mode: 'procedure', action: 'called' };
    }
    if (!st.update || !st.insert) throw new Error('write-back statements missing');
    if ((await this.run(st.update, 'write-back update', limits)).count > 0) return { written: true, mode: 'table', action: 'updated' };
    try {
      await this.run(st.insert, 'write-back insert', limits);
      return { written: true, mode: 'table', action: 'inserted' };
    } catch (err) {
      // A concurrent attempt inserted first (unique order_no + event): update that row instead.
      if ((await this.run(st.update, 'write-back update', limits)).count > 0) return { written: true, mode: 'table', action: 'updated' };
      throw err;
    }
  }

  async testConnection(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await this.run({ sql: 'SELECT 1', params: [] }, 'test');
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: errorMessage(err) };
    }
  }

  async invoke(capability: Capability, input: unknown, ctx: InvokeContext): Promise<unknown> {
    if (capability === CAPABILITY.SHIPMENT_CONFIRM) {
      const res = await this.writeShipment(input, { signal: ctx.signal });
      ctx.logger.info({ ...res }, 'shipment written back to the ERP');
      return res;
    }
    if (capability === CAPABILITY.ORDER_PULL) {
      const r = PullInput.safeParse(input ?? {});
      if (!r.success) throw AdapterError.rejected(ADAPTER_ID, 'invalid_input', `order.pull input: ${r.error.message}`);
      const rows = await this.fetchBatch(r.data.from, { signal: ctx.signal });
      ctx.heartbeat({ rows: rows.length });
      return { rows };
    }
    throw AdapterError.rejected(ADAPTER_ID, ERROR_CODE.UNSUPPORTED_CAPABILITY, `capability ${capability} is not offered by ${ADAPTER_ID}`);
  }

  /** Its order.pull is a table the core polls, its order.webhook events the core maps: each only when configured. */
  surfaces(): Partial<CapabilitySurfaces> {
    const { poll, webhook, intervalSeconds } = this.config;
    return {
      ...(poll ? { [CAPABILITY.ORDER_PULL]: { settings: poll, intervalSeconds, fetchBatch: (from, limits) => this.fetchBatch(from, limits), markRows: (value, keys, limits) => this.markRows(value, keys, limits) } } : {}),
      ...(webhook ? { [CAPABILITY.ORDER_WEBHOOK]: { mapping: webhook.mapping, warehouse: webhook.warehouse ?? null, verifyWebhook: (req) => this.verifyWebhook(req) } } : {}),
    };
  }

  verifyWebhook(req: WebhookRequest): WebhookVerdict {
    const w = this.config.webhook;
    if (!w) return { ok: false, reason: 'webhooks_not_configured' };
    return verifyErpSignature(req, { secret: w.secret, apiKey: w.apiKey, toleranceSeconds: w.toleranceSeconds }, this.deps.now().getTime());
  }

  parseWebhook(req: WebhookRequest): WebhookEvent[] {
    return parseErpEvent(req.rawBody);
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    if (p) await (await p.catch(() => null))?.close();
  }
}
