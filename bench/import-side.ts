// One side of section I in its own process, so its peak RSS (maxRSS is per process) is its own.
// argv: <side: parse | dry-run | import> <export.csv> [databaseUrl]; prints one JSON line {rows, orders, ms, maxRssKb}.
import path from 'node:path';
import { ImportConfig } from '../src/import/config.js';
import { readRows } from '../src/import/readers.js';
import { importFile } from '../src/import/run.js';
import { MappingEngine } from '../src/mapping/engine.js';
import { connectStore } from '../src/store/db/connect.js';
import { migrateToLatest } from '../src/store/db/migrate.js';
import { packageRoot } from '../src/util/package-info.js';

const [side, file, url] = process.argv.slice(2);
if (!file || (side !== 'parse' && side !== 'dry-run' && side !== 'import') || (side === 'import' && !url)) throw new Error('usage: import-side.ts parse|dry-run|import <export.csv> [databaseUrl]');

const t0 = performance.now();
let rows = 0;
let orders = 0;
if (side === 'parse') {
  // The least any import must do: read the file, decode GBK, split CSV records into named rows.
  for await (const r of readRows(file, { format: 'csv' })) if ('values' in r) rows++;
} else {
  const cfg = ImportConfig.parse({});
  const engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings'), limits: { timeoutMs: 10_000 } });
  await engine.loadAll();
  const store = side === 'import' && url ? connectStore({ url, schema: 'bench_import', poolSize: 2 }) : null;
  if (store) await migrateToLatest(store);
  const t1 = performance.now();
  const s = await importFile({ file, format: 'csv', engine, mappingId: cfg.mapping, context: { channel: 'bench', currency: cfg.currency, receivedAt: new Date().toISOString(), defaults: cfg.defaults }, groupBy: cfg.groupBy, batchSize: cfg.batchSize, store, onReject: () => undefined });
  rows = s.rows;
  orders = s.imported;
  if (s.rejected) throw new Error(`${s.rejected} generated rows were rejected`);
  await engine.close();
  await store?.close();
  process.stdout.write(`${JSON.stringify({ rows, orders, ms: performance.now() - t1, maxRssKb: process.resourceUsage().maxRSS })}\n`);
  process.exit(0);
}
process.stdout.write(`${JSON.stringify({ rows, orders, ms: performance.now() - t0, maxRssKb: process.resourceUsage().maxRSS })}\n`);
