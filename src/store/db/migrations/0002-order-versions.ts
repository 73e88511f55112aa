import { sql, type Kysely } from 'kysely';

/** The audit trail: one version per projection that changed an audited field. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('order_versions')
    .addColumn('workflow_id', 'text', (c) => c.notNull().references('orders.workflow_id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // The editable fields as the platform sent them, for a rollback; never shown in the audit view.
    .addColumn('restorable', 'jsonb')
    .addPrimaryKeyConstraint('order_versions_pk', ['workflow_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('order_versions').execute();
}
