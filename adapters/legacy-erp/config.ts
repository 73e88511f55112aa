import { z } from 'zod';
import { secret } from '../../src/sdk/connector-config.js';

/** A table, column or procedure name, optionally schema-qualified: never interpolated unchecked into SQL. */
export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
const ident = (what: string) => z.string().regex(SQL_IDENTIFIER, `${what}: a plain SQL identifier expected (letters, digits, _ and $, optionally schema.name)`);

/** How the database spells "the first n rows"; ODBC itself has no portable way. */
export const LIMIT_STYLES = ['limit', 'top', 'fetch-first'] as const;

const poll = z
  .object({
    /** The order table, or a SELECT whose rows are orders (used as a derived table). Exactly one. */
    table: ident('table').optional(),
    query: z.string().min(1).optional(),
    /** Unique per row: the ERP order number; the workflow id derives from it through the mapping. */
    keyColumn: ident('keyColumn'),
    /** Change capture: an updated-at column (durable cursor + overlap), an is_synced-style flag, or both. */
    updatedAtColumn: ident('updatedAtColumn').optional(),
    syncedColumn: ident('syncedColumn').optional(),
    /** Flag values: written after the order's workflow durably exists, or after the row went to quarantine. */
    unsyncedValue: z.number().int().default(0),
    syncedValue: z.number().int().default(1),
    errorValue: z.number().int().default(-1),
    /** Rows updated this long before the cursor are re-read, for transactions that commit late. */
    overlapSeconds: z.number().int().min(0).max(86_400).default(60),
    batchSize: z.number().int().min(1).max(10_000).default(500),
    /** LIMIT n (PostgreSQL, MySQL/MariaDB, SQLite), TOP n (SQL Server), FETCH FIRST n ROWS ONLY (Oracle 12c+, DB2). */
    limitStyle: z.enum(LIMIT_STYLES).default('limit'),
    /** Orders started in parallel per batch. */
    concurrency: z.number().int().min(1).max(64).default(8),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.table === undefined) === (p.query === undefined)) ctx.addIssue({ code: 'custom', path: ['table'], message: 'give exactly one of table or query' });
    if (!p.updatedAtColumn && !p.syncedColumn) ctx.addIssue({ code: 'custom', path: ['updatedAtColumn'], message: 'change capture needs updatedAtColumn, syncedColumn, or both' });
    if (p.query !== undefined && !/^\s*select\b/i.test(p.query)) ctx.addIssue({ code: 'custom', path: ['query'], message: 'query must be a single SELECT' });
    if (p.query?.includes(';')) ctx.addIssue({ code: 'custom', path: ['query'], message: 'query must be a single statement (no ";")' });
    if (p.query !== undefined && p.syncedColumn) ctx.addIssue({ code: 'custom', path: ['syncedColumn'], message: 'the flag is written back to a table: use table (not query) with syncedColumn, or add flagTable' });
    if (new Set([p.unsyncedValue, p.syncedValue, p.errorValue]).size !== 3) ctx.addIssue({ code: 'custom', path: ['syncedValue'], message: 'unsyncedValue, syncedValue and errorValue must differ' });
  });

const writeBack = z
  .object({
    /**
     * Shipment status + tracking number go to this table (upserted by order_no + event), with
     * columns order_no, event, status, carrier, tracking_no, event_at; or to this procedure,
     * called with the same six values in that order (it must be idempotent per order_no + event).
     */
    table: ident('writeBack.table').optional(),
    procedure: ident('writeBack.procedure').optional(),
    /**
     * How the procedure is invoked: `escape` = the ODBC escape {CALL p(?, ...)} (SQL Server,
     * MySQL/MariaDB, PostgreSQL functions); `call` = CALL p(?, ...) (PostgreSQL 11+ procedures,
     * which psqlODBC's escape would call as a function).
     */
    callStyle: z.enum(['escape', 'call']).default('escape'),
  })
  .strict()
  .refine((w) => (w.table === undefined) !== (w.procedure === undefined), { message: 'give exactly one of table or procedure', path: ['table'] });

const webhook = z
  .object({
    /** HMAC-SHA256 key: X-Zhongshu-Signature = hex(HMAC(secret, timestamp + "." + raw body)). */
    secret: secret('HMAC-SHA256 key the ERP signs webhook bodies with').optional(),
    /** Or a shared API key in X-Api-Key, for ERPs that cannot compute an HMAC. */
    apiKey: secret('API key the ERP sends in X-Api-Key').optional(),
    /** Signed timestamps further than this from the hub's clock are refused (replay protection). */
    toleranceSeconds: z.number().int().min(1).max(3600).default(300),
    /** Event mapping (raw ERP event -> hub command). */
    mapping: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+\.v\d+$/).default('legacy-erp/event.v1'),
    /** Inventory pool warehouse stock.changed events update when they name none. */
    warehouse: z.string().min(1).optional(),
  })
  .strict()
  .refine((w) => w.secret !== undefined || w.apiKey !== undefined, { message: 'give secret (HMAC) or apiKey', path: ['secret'] });

export const legacyErpConfig = z
  .object({
    /**
     * ODBC connection string, DSN-less or DSN=..., e.g.
     * Driver={PostgreSQL Unicode};Server=db;Port=5432;Database=erp;Uid=hub;Pwd=...
     */
    connection: secret('ODBC connection string (it carries the database password)'),
    poolSize: z.number().int().min(1).max(32).default(4),
    loginTimeoutSeconds: z.number().int().min(1).max(120).default(10),
    /** Polling of the order table; absent = this ERP only calls webhooks and takes write-backs. */
    poll: poll.optional(),
    /** How often the poll schedule runs. */
    intervalSeconds: z.number().int().min(1).max(86_400).default(10),
    writeBack: writeBack.optional(),
    webhook: webhook.optional(),
  })
  .strict();
export type LegacyErpConfig = z.output<typeof legacyErpConfig>;
export type PollConfig = NonNullable<LegacyErpConfig['poll']>;
export type WriteBackConfig = NonNullable<LegacyErpConfig['writeBack']>;
export type WebhookConfig = NonNullable<LegacyErpConfig['webhook']>;
