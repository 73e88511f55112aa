import { sql, type Kysely } from 'kysely';

/**
 * The shadow run (channels[].mode = shadow). `order_write_modes` pins the mode an order had at its
 * first downstream write, so switching a channel between shadow and live never sends half an
 * order live. `shadow_writes` holds each write a shadow order would have made, as it would have
 * been sent (after the outbound mapping, buyer PII as the platform sent it), once per
 * idempotency key, with the answer the workflow was given.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_write_modes')
    .addColumn('workflow_id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('pinned_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('shadow_writes')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('capability', 'text', (c) => c.notNull())
    .addColumn('request', 'jsonb', (c) => c.notNull())
    .addColumn('answer', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shadow_writes_channel_recorded').on('shadow_writes').columns(['channel', 'recorded_at']).execute();
  await db.schema.createIndex('shadow_writes_workflow').on('shadow_writes').column('workflow_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shadow_writes').execute();
  await db.schema.dropTable('order_write_modes').execute();
}
