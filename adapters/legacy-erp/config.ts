import { z } from 'zod';
import { secret } from '../../src/sdk/connector-config.js';

/** A table, column or procedure name, optionally schema-qualified: never interpolated unchecked into SQL. */
export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
const ident = (what: string) => z.string().regex(SQL_IDENTIFIER, `${what}: a plain SQL identifier expected (letters, digits, _ and $, optionally schema.name)`);

/** How the database spells "the first n rows"; ODBC itself has no portable way. */
export const LIMIT_STYLES = ['limit', 'top', 'fetch-first'] as const;

const poll = z
  .object({
    table: ident('table').optional().describe('The order table, or a SELECT whose rows are orders (used as a derived table). Exactly one.'),
    query: z.string().min(1).optional().describe('A single SELECT whose rows are orders, instead of table'),
    keyColumn: ident('keyColumn').describe('Unique per row: the ERP order number; the workflow id derives from it through the mapping.'),
    updatedAtColumn: ident('updatedAtColumn').optional().describe('Change capture: an updated-at column (durable cursor + overlap), an is_synced-style flag, or both.'),
    syncedColumn: ident('syncedColumn').optional().describe('A flag column the hub writes after taking a row (is_synced style)'),
    unsyncedValue: z.number().int().default(0).describe('Flag value of a row the hub has not taken yet'),
    syncedValue: z.number().int().default(1).describe('Flag value written after the order workflow exists'),
    errorValue: z.number().int().default(-1).describe('Flag value written after the row went to quarantine'),
    // Flag values are written only after the order's workflow durably exists, or after the row went to quarantine.
    overlapSeconds: z.number().int().min(0).max(86_400).default(60).describe('Rows updated this long before the cursor are re-read, for transactions that commit late.'),
    batchSize: z.number().int().min(1).max(10_000).default(500).describe('Rows read per poll batch'),
    limitStyle: z.enum(LIMIT_STYLES).default('limit').describe('LIMIT n (PostgreSQL, MySQL/MariaDB, SQLite), TOP n (SQL Server), FETCH FIRST n ROWS ONLY (Oracle 12c+, DB2).'),
    concurrency: z.number().int().min(1).max(64).default(8).describe('Orders started in parallel per batch.'),
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
    table: ident('writeBack.table').optional().describe('Shipment status + tracking number go to this table (upserted by order_no + event), with columns order_no, event, status, carrier, tracking_no, event_at; or to this procedure, called with the same six values in that order (it must be idempotent per order_no + event).'),
    procedure: ident('writeBack.procedure').optional().describe('Stored procedure called with order_no, event, status, carrier, tracking_no, event_at (idempotent per order_no + event), instead of table'),
    callStyle: z.enum(['escape', 'call']).default('escape').describe('How the procedure is invoked: `escape` = the ODBC escape {CALL p(?, ...)} (SQL Server, MySQL/MariaDB, PostgreSQL functions); `call` = CALL p(?, ...) (PostgreSQL 11+ procedures, which psqlODBC\'s escape would call as a function).'),
  })
  .strict()
  .refine((w) => (w.table === undefined) !== (w.procedure === undefined), { message: 'give exactly one of table or procedure', path: ['table'] });

const webhook = z
  .object({
    /** HMAC-SHA256 key: X-Zhongshu-Signature = hex(HMAC(secret, timestamp + "." + raw body)). */
    secret: secret('HMAC-SHA256 key the ERP signs webhook bodies with').optional(),
    /** Or a shared API key in X-Api-Key, for ERPs that cannot compute an HMAC. */
    apiKey: secret('API key the ERP sends in X-Api-Key').optional(),
    toleranceSeconds: z.number().int().min(1).max(3600).default(300).describe('Signed timestamps further than this from the hub\'s clock are refused (replay protection).'),
    mapping: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+\.v\d+$/).default('legacy-erp/event.v1').describe('Event mapping (raw ERP event -> hub command).'),
    warehouse: z.string().min(1).optional().describe('Inventory pool warehouse stock.changed events update when they name none.'),
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
    poolSize: z.number().int().min(1).max(32).default(4).describe('ODBC connections kept open at most'),
    loginTimeoutSeconds: z.number().int().min(1).max(120).default(10).describe('How long opening an ODBC connection may take'),
    poll: poll.optional().describe('Polling of the order table; absent = this ERP only calls webhooks and takes write-backs.'),
    intervalSeconds: z.number().int().min(1).max(86_400).default(10).describe('How often the poll schedule runs.'),
    writeBack: writeBack.optional().describe('Where shipment status and tracking numbers are written back to the ERP'),
    webhook: webhook.optional().describe('Events the ERP sends to /webhooks/legacy-erp/<channel>'),
  })
  .strict();
export type LegacyErpConfig = z.output<typeof legacyErpConfig>;
export type PollConfig = NonNullable<LegacyErpConfig['poll']>;
export type WriteBackConfig = NonNullable<LegacyErpConfig['writeBack']>;
export type WebhookConfig = NonNullable<LegacyErpConfig['webhook']>;
