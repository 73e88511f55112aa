import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

const INT8_OID = 20;

/**
 * bigint columns hold money in minor units: read them as numbers, refusing (rather than rounding)
 * one beyond 2^53, the same bound the canonical model's zod schema puts on them.
 */
function parseInt8(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${v} is beyond the safe integer range`);
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

export interface StoreDb {
  db: Kysely<Database>;
  schema: string;
  close(): Promise<void>;
}

/**
 * A pool on the store's database whose sessions resolve unqualified names in `schema` (created
 * on first use), so one database can hold several hubs' stores (tests do).
 */
export function connectStore(o: { url: string; schema?: string; poolSize?: number }): StoreDb {
  const schema = o.schema ?? 'public';
  const pool = new pg.Pool({ connectionString: o.url, max: o.poolSize ?? 5, types, options: `-c search_path=${schema}`, connectionTimeoutMillis: 5000 });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    schema,
    async close() {
      await db.destroy();
    },
  };
}

/** A URL safe for logs and banners: the password is replaced. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
