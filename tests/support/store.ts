import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { connectStore, type StoreDb } from '../../src/store/db/connect.js';
import { migrateToLatest } from '../../src/store/db/migrate.js';

/** A schema name of its own, so tests sharing the store's database never see each other's rows. */
export function testSchema(): string {
  return `t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** The order store on the shared test PostgreSQL, in a fresh schema, migrated. */
export async function testStore(schema = testSchema()): Promise<StoreDb> {
  const store = connectStore({ url: inject('hubDatabaseUrl'), schema, poolSize: 3 });
  await migrateToLatest(store);
  return store;
}
