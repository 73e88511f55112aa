import { sql, type Kysely } from 'kysely';

/**
 * Inbound payloads exactly as received, kept for `database.rawPayloads.retentionDays` so a new
 * mapping version can be run over real traffic before it ships (`zhongshu mappings diff`).
 * The body is kept as text: re-parsed with the hub's big-integer-safe JSON when read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('raw_payloads')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('shop', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('raw_payloads_received').on('raw_payloads').column('received_at').execute();
  await db.schema.createIndex('raw_payloads_channel_received').on('raw_payloads').columns(['channel', 'received_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('raw_payloads').execute();
}
