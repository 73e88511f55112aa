import { sql, type Kysely } from 'kysely';

/**
 * Historical orders imported from an old system (`zhongshu import orders`), kept apart from the
 * lifecycle's projection: they never had a workflow, a stock lock or a downstream call. One row per
 * channel and platform order id, so an order can never be imported twice. `import_checkpoints`
 * holds how far each file got, written in the same transaction as its rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('historical_orders')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('platform_order_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('shop', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('canonical', 'jsonb', (c) => c.notNull())
    // The rows as the old system exported them, so a later mapping version can re-read them.
    .addColumn('source_rows', 'jsonb', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('goods_minor', 'bigint', (c) => c.notNull())
    .addColumn('freight_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addColumn('paid_minor', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz')
    .addColumn('skus', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('import_key', 'text', (c) => c.notNull())
    .addColumn('source_row', 'integer', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('historical_orders_pk', ['channel', 'platform_order_id'])
    .execute();
  await db.schema.createIndex('historical_orders_created').on('historical_orders').column('created_at').execute();
  await db.schema.createIndex('historical_orders_skus').on('historical_orders').using('gin').column('skus').execute();
  await db.schema
    .createTable('import_checkpoints')
    .addColumn('import_key', 'text', (c) => c.primaryKey())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('mapping', 'text', (c) => c.notNull())
    // The last source row whose outcome (imported or rejected) is committed.
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  // Rejected rows, committed with the batch they were read in, so a resumed run reports each once.
  await db.schema
    .createTable('import_rejects')
    .addColumn('import_key', 'text', (c) => c.notNull().references('import_checkpoints.import_key').onDelete('cascade'))
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_rejects_key_row').on('import_rejects').columns(['import_key', 'row']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_rejects').execute();
  await db.schema.dropTable('import_checkpoints').execute();
  await db.schema.dropTable('historical_orders').execute();
}
