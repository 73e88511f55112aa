// Section G (issue 17): historical import of N rows of a generated GBK ERP export, against a
// parse-only floor (read, decode GBK, split CSV into named rows) measured in the same run. Each
// side runs in its own process so its peak RSS is its own; the import also runs at N/10, so the
// bench shows whether memory follows the file (it must not: everything streams).
import { execFile } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { z } from 'zod';
import { startEmbeddedPostgres } from '../src/embedded/postgres.js';
import { ERP_EXPORT_HEADER, sampleOrderRows } from '../src/import/sample-export.js';
import type { Logger } from '../src/logger.js';
import { connectStore } from '../src/store/db/connect.js';
import { migrateToLatest } from '../src/store/db/migrate.js';
import { RawPayloadRecorder } from '../src/store/db/raw-payloads.js';
import { packageRoot } from '../src/util/package-info.js';
import { freePort, onCleanup } from './services.js';

const run = promisify(execFile);

export interface ImportBenchOptions {
  rows: number;
}

const SideOutput = z.object({ rows: z.number().int(), orders: z.number().int(), ms: z.number(), maxRssKb: z.number() });

export interface ImportSide {
  side: string;
  rows: number;
  orders: number;
  ms: number;
  rowsPerS: number;
  peakRssMb: number;
}

export interface ImportBenchResult {
  options: ImportBenchOptions;
  fileMb: number;
  sides: ImportSide[];
  /** import rows/s over parse rows/s, and dry run rows/s over parse rows/s. */
  importSpeedRatio: number;
  dryRunSpeedRatio: number;
  /** import peak RSS over parse peak RSS, both at N. */
  rssRatio: number;
  /** import peak RSS at N over import peak RSS at N/10: about 1 when memory does not follow the file. */
  growth: number;
  rawPayloads: RecorderCost;
}

/** What keeping raw payloads (issue 17, mapping diff) adds to intake's hot path. */
export interface RecorderCost {
  payloads: number;
  bodyBytes: number;
  /** CPU microseconds per record() call on the intake path. */
  recordUs: number;
  /** CPU microseconds per JSON.parse of the same body, which intake does anyway: the baseline. */
  parseUs: number;
  /** Background inserts: payloads written per second (batches of 500). */
  writtenPerS: number;
}

async function recorderCost(url: string, logger: Logger, payloads: number): Promise<RecorderCost> {
  const store = connectStore({ url, schema: 'bench_raw', poolSize: 2 });
  try {
    await migrateToLatest(store);
    const body = readFileSync(path.join(packageRoot(), 'mappings/shopify/__fixtures__/order.v1/paid-two-lines.input.json'), 'utf8');
    const cpu = (f: () => void) => {
      const c0 = process.cpuUsage();
      f();
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / payloads;
    };
    const parseUs = cpu(() => {
      for (let i = 0; i < payloads; i++) JSON.parse(body);
    });
    const recorder = new RawPayloadRecorder(store, { logger, maxBuffered: payloads + 1 });
    const t0 = performance.now();
    const recordUs = cpu(() => {
      for (let i = 0; i < payloads; i++) recorder.record({ receivedAt: new Date().toISOString(), channel: 'bench', platform: 'shopify', shop: 'bench', currency: 'USD', mapping: 'shopify/order.v1', body });
    });
    await recorder.close();
    const ms = performance.now() - t0;
    return { payloads, bodyBytes: Buffer.byteLength(body), recordUs, parseUs, writtenPerS: recorder.counts.written / (ms / 1000) };
  } finally {
    await store.close();
  }
}

/** A GBK export of about `rows` rows (whole orders), written as a stream. */
async function writeExport(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  const write = async (records: string[][]) => {
    if (!out.write(iconv.encode(stringify(records), 'gbk'))) await once(out, 'drain');
  };
  await write([[...ERP_EXPORT_HEADER]]);
  let written = 0;
  for (let n = 1; written < rows; n++) {
    const order = sampleOrderRows(n).map((r) => ERP_EXPORT_HEADER.map((h) => r[h]));
    written += order.length;
    await write(order);
  }
  out.end();
  await once(out, 'finish');
  return written;
}

async function side(name: 'parse' | 'dry-run' | 'import', file: string, label: string, url?: string): Promise<ImportSide> {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'import-side.ts'), name, file, ...(url ? [url] : [])], { maxBuffer: 1024 * 1024 });
  const r = SideOutput.parse(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
  return { side: label, rows: r.rows, orders: r.orders, ms: r.ms, rowsPerS: r.rows / (r.ms / 1000), peakRssMb: r.maxRssKb / 1024 };
}

export async function runImportBench(o: ImportBenchOptions, env: { logger: Logger; progress: (msg: string) => void }): Promise<ImportBenchResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zs-bench-import-'));
  const pg = await startEmbeddedPostgres({ port: await freePort(), logger: env.logger, database: 'hub' });
  const stopPg = onCleanup(() => pg.process.stop());
  try {
    const url = `postgres://${pg.user}@127.0.0.1:${pg.port}/${pg.database}`;
    const small = Math.max(10, Math.floor(o.rows / 10));
    env.progress(`section I: generating ${o.rows} and ${small} rows of a GBK ERP export`);
    const big = path.join(dir, 'export.csv');
    const smallFile = path.join(dir, 'export-small.csv');
    await writeExport(big, o.rows);
    await writeExport(smallFile, small);
    const fileMb = (await stat(big)).size / 1024 / 1024;
    env.progress('section I: parse-only floor');
    const parse = await side('parse', big, 'parse only (read, GBK decode, CSV)');
    env.progress('section I: dry run (parse + mapping + validation)');
    const dry = await side('dry-run', big, 'dry run (+ import/erp-orders.v1, canonical schema)');
    env.progress('section I: import into PostgreSQL');
    const imp = await side('import', big, 'import (+ PostgreSQL batches and checkpoints)', url);
    env.progress(`section I: import of ${small} rows (memory growth)`);
    const impSmall = await side('import', smallFile, `import at N/10 (${small} rows)`, url.replace(/\/hub$/, '/postgres'));
    return {
      options: o,
      fileMb,
      sides: [parse, dry, imp, impSmall],
      importSpeedRatio: imp.rowsPerS / parse.rowsPerS,
      dryRunSpeedRatio: dry.rowsPerS / parse.rowsPerS,
      rssRatio: imp.peakRssMb / parse.peakRssMb,
      growth: imp.peakRssMb / impSmall.peakRssMb,
      rawPayloads: await (env.progress('section I: raw payload recorder cost'), recorderCost(url, env.logger, 20_000)),
    };
  } finally {
    await stopPg();
    await rm(dir, { recursive: true, force: true });
  }
}
