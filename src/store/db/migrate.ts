import { Migrator, sql, type MigrationResultSet } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import type { StoreDb } from './connect.js';

export interface MigrationReport {
  applied: { name: string; direction: string; status: string }[];
}

function migrator(store: StoreDb): Migrator {
  return new Migrator({
    db: store.db,
    provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    migrationTableSchema: store.schema,
  });
}

function report(r: MigrationResultSet): MigrationReport {
  const applied = (r.results ?? []).map((x) => ({ name: x.migrationName, direction: x.direction, status: x.status }));
  if (r.error) {
    const failed = applied.find((x) => x.status === 'Error');
    const cause = r.error instanceof Error ? r.error.message : String(r.error);
    throw new Error(`migration ${failed?.name ?? '(before any ran)'} failed: ${cause}`);
  }
  return { applied };
}

/**
 * Brings the store's schema up to date. Kysely's migrator takes a lock, so hubs starting at once
 * run each migration once.
 */
export async function migrateToLatest(store: StoreDb): Promise<MigrationReport> {
  await sql`create schema if not exists ${sql.id(store.schema)}`.execute(store.db).catch((err: unknown) => {
    // Two hubs creating it at once: one of them loses the race on the catalog, and the schema is there.
    if (!(typeof err === 'object' && err !== null && 'code' in err && (err.code === '23505' || err.code === '42P06'))) throw err;
  });
  return report(await migrator(store).migrateToLatest());
}

/** Undoes the newest applied migration (`zhongshu db down`). */
export async function migrateDownOne(store: StoreDb): Promise<MigrationReport> {
  return report(await migrator(store).migrateDown());
}

export async function appliedMigrations(store: StoreDb): Promise<string[]> {
  const all = await migrator(store).getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
