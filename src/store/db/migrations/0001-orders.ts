import { sql, type Kysely } from 'kysely';

/**
 * The order projection and its waybills. Amounts are bigint minor units (never numeric floats);
 * the canonical order is kept whole as jsonb, the searchable fields beside it as columns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('workflow_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('order_key', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('shop', 'text', (c) => c.notNull())
    .addColumn('platform_order_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('platform_status', 'text', (c) => c.notNull())
    .addColumn('hold_reason', 'text')
    .addColumn('hold', 'jsonb')
    .addColumn('canonical', 'jsonb', (c) => c.notNull())
    .addColumn('timeline', 'jsonb', (c) => c.notNull())
    .addColumn('waybill_no', 'text')
    .addColumn('carrier', 'text')
    .addColumn('ship_confirmations', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('skus', sql`text[]`, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('goods_minor', 'bigint', (c) => c.notNull())
    .addColumn('freight_minor', 'bigint', (c) => c.notNull())
    .addColumn('discount_minor', 'bigint', (c) => c.notNull())
    .addColumn('paid_minor', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('province', 'text')
    .addColumn('city', 'text')
    .addColumn('buyer_phone', 'jsonb')
    .addColumn('buyer_phone_hash', 'text')
    .addColumn('first_projected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('projected_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orders_platform_order_id').on('orders').columns(['platform_order_id']).execute();
  await db.schema.createIndex('orders_received').on('orders').columns(['received_at', 'workflow_id']).execute();
  await db.schema.createIndex('orders_paid').on('orders').columns(['paid_at', 'workflow_id']).execute();
  await db.schema.createIndex('orders_state').on('orders').columns(['state', 'hold_reason']).execute();
  await db.schema.createIndex('orders_shop').on('orders').columns(['platform', 'shop']).execute();
  await db.schema.createIndex('orders_region').on('orders').columns(['province', 'city']).execute();
  await db.schema.createIndex('orders_phone_hash').on('orders').columns(['buyer_phone_hash']).execute();
  await db.schema.createIndex('orders_skus').on('orders').using('gin').column('skus').execute();

  await db.schema
    .createTable('order_waybills')
    .addColumn('waybill_no', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull().references('orders.workflow_id').onDelete('cascade'))
    .addColumn('carrier', 'text')
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    .addColumn('live', 'boolean', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    .addPrimaryKeyConstraint('order_waybills_pk', ['workflow_id', 'waybill_no'])
    .execute();
  await db.schema.createIndex('order_waybills_no').on('order_waybills').columns(['waybill_no']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('order_waybills').execute();
  await db.schema.dropTable('orders').execute();
}
