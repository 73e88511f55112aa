import { loadConfigForCli } from '../config/load.js';
import { diffMappings, parseSince, type DiffReport } from '../mapping/diff.js';
import { MappingEngine, parseMappingId } from '../mapping/engine.js';
import { connectStore } from '../store/db/connect.js';
import { migrateToLatest } from '../store/db/migrate.js';
import { readRawPayloads } from '../store/db/raw-payloads.js';

export interface DiffOptions {
  config: string;
  databaseUrl?: string;
  since: string;
  channel?: string;
  json?: boolean;
}

function printReport(r: DiffReport): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(`${r.from} -> ${r.to}: ${r.payloads} kept payloads`);
  w(`  identical ${r.identical}, changed ${r.changed}, failing under both ${r.bothFail}, newly failing ${r.newlyFailing.length}, newly succeeding ${r.newlySucceeding.length}`);
  if (r.fields.length) w('  fields that change (payloads, examples):');
  for (const f of r.fields) w(`    ${f.path}: ${f.count}  e.g. ${f.examples.map((e) => `#${e.payloadId} ${JSON.stringify(e.before)} -> ${JSON.stringify(e.after)}`).join('; ')}`);
  for (const x of r.newlyFailing) w(`  NEWLY FAILING #${x.payloadId} (${x.channel}, ${x.receivedAt}): ${x.error}`);
  for (const x of r.newlySucceeding) w(`  newly succeeding #${x.payloadId} (${x.channel}, ${x.receivedAt}); v1 said: ${x.error}`);
}

/**
 * `zhongshu mappings diff <from> <to>`: both versions over the kept payloads, in worker threads.
 * Exit 1 when a payload that mapped under `from` fails under `to`; 2 for a bad command line.
 */
export async function mappingsDiffCommand(from: string, to: string, o: DiffOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  for (const id of [from, to]) {
    if (!parseMappingId(id)) {
      process.stderr.write(`${id}: not a mapping id (<adapter>/<name>.v<N>)\n`);
      return 2;
    }
  }
  const sinceMs = parseSince(o.since);
  if (sinceMs === undefined) {
    process.stderr.write(`--since: expected a duration like 7d, 12h or 30m, got "${o.since}"\n`);
    return 2;
  }
  const config = await loadConfigForCli(o.config, env);
  if (!config) return 2;
  const url = o.databaseUrl || env['DATABASE_URL'] || config.database.url;
  if (!url) {
    process.stderr.write('no database: set DATABASE_URL or database.url, or pass --database-url\n');
    return 2;
  }
  const engine = new MappingEngine({
    dir: config.mappings.dir,
    // Offline: a busy machine must not turn a slow evaluation into a reported failure.
    limits: { timeoutMs: Math.max(config.mappings.timeoutMs, 2_000), maxDepth: config.mappings.maxDepth, maxSequence: config.mappings.maxSequence },
    pool: { lanes: { default: { threads: 1, queue: 1 }, dryRun: { threads: 2, queue: 64 } }, deadlineMs: 10_000, workerMemoryMb: 256 },
  });
  const store = connectStore({ url, schema: config.database.schema, poolSize: 2 });
  try {
    await engine.loadAll();
    for (const id of [from, to]) {
      if (!engine.has(id)) {
        process.stderr.write(`${id}: not loaded from ${config.mappings.dir}${engine.errors().get(id) ? `: ${engine.errors().get(id) ?? ''}` : ''}\n`);
        return 2;
      }
    }
    await migrateToLatest(store);
    const report = await diffMappings(engine, from, to, readRawPayloads(store, { since: new Date(Date.now() - sinceMs), channel: o.channel }), { concurrency: 8 });
    if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else printReport(report);
    return report.newlyFailing.length ? 1 : 0;
  } finally {
    await engine.close();
    await store.close();
  }
}
