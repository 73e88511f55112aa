import { sql, type Kysely } from 'kysely';

/**
 * Refunds an after-sales case saw paid out, one per case: Taobao and Pinduoduo order payloads say
 * a line was refunded but not how much, and the case's after-sale record carries the amount and
 * time the reconciliation needs (src/store/db/finance-source.ts merges them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_refunds')
    .addColumn('case_key', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('platform_case_id', 'text')
    .addColumn('line_ids', 'jsonb', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('refunded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('order_refunds_workflow').on('order_refunds').column('workflow_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('order_refunds').execute();
}
