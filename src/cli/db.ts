import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfigFile } from '../config/load.js';
import type { HubConfig } from '../config/schema.js';
import { createLogger } from '../logger.js';
import { connectStore, redactDatabaseUrl } from '../store/db/connect.js';
import { migrateDownOne, migrateToLatest, type MigrationReport } from '../store/db/migrate.js';
import { OrderStore } from '../store/db/order-store.js';
import { rebuildFromTemporal } from '../store/db/rebuild.js';
import { serviceAddresses } from '../config/addresses.js';

export interface DbOptions {
  config: string;
  databaseUrl?: string;
}

type Loaded = { config: HubConfig; url: string } | { error: string };

/** The store's URL: --database-url, else DATABASE_URL / database.url from the config. */
async function load(o: DbOptions, env: NodeJS.ProcessEnv): Promise<Loaded> {
  let config: HubConfig;
  try {
    config = await loadConfigFile(o.config, env);
  } catch (err) {
    if (err instanceof ConfigError) return { error: err.message };
    throw err;
  }
  const url = o.databaseUrl || env['DATABASE_URL'] || config.database.url;
  if (!url) {
    return { error: `no database: set DATABASE_URL or database.url, or pass --database-url (the embedded one of \`zhongshu start\` listens on postgres://zhongshu@127.0.0.1:${config.embedded.postgresPort}/zhongshu while the hub runs)` };
  }
  return { config, url };
}

function printMigrations(r: MigrationReport, none: string): void {
  if (!r.applied.length) process.stdout.write(`${none}\n`);
  for (const m of r.applied) process.stdout.write(`${m.direction === 'Up' ? 'applied' : 'reverted'} ${m.name} (${m.status})\n`);
}

/** `zhongshu db migrate` / `db down`: the store's schema one way or the other. */
export async function dbMigrateCommand(o: DbOptions & { direction: 'up' | 'down' }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const l = await load(o, env);
  if ('error' in l) {
    process.stderr.write(`${l.error}\n`);
    return 1;
  }
  const store = connectStore({ url: l.url, schema: l.config.database.schema, poolSize: 1 });
  try {
    process.stderr.write(`database ${redactDatabaseUrl(l.url)}, schema ${store.schema}\n`);
    if (o.direction === 'up') printMigrations(await migrateToLatest(store), 'already up to date');
    else printMigrations(await migrateDownOne(store), 'nothing to revert');
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * `zhongshu db rebuild`: back-fills the store from Temporal for orders that existed before it
 * (running ones are queried, so a worker of the task queue must be up).
 */
export async function dbRebuildCommand(o: DbOptions & { query?: string }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const l = await load(o, env);
  if ('error' in l) {
    process.stderr.write(`${l.error}\n`);
    return 1;
  }
  const address = serviceAddresses(l.config, {}, env).temporalAddress;
  if (!address) {
    process.stderr.write('no Temporal address: set TEMPORAL_ADDRESS or temporal.address (the embedded dev server of `zhongshu start` listens on 127.0.0.1:' + String(l.config.embedded.temporalPort) + ')\n');
    return 1;
  }
  const logger = createLogger({ level: 'warn' });
  const store = await OrderStore.open({ url: l.url, schema: l.config.database.schema, poolSize: 2, phoneHashKey: l.config.database.phoneHashKey, logger });
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: l.config.temporal.namespace });
    const report = await rebuildFromTemporal({ client, store, ...(o.query ? { query: o.query } : {}), onProgress: (r) => process.stderr.write(`... ${r.listed} listed, ${r.written} written\n`) });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.failed.length ? 1 : 0;
  } finally {
    await connection.close();
    await store.close();
  }
}
