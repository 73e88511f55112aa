import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import iconv from 'iconv-lite';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { importOrdersCommand } from '../src/cli/import.js';
import { ERP_EXPORT_HEADER, sampleOrderRows, type ErpExportRow } from '../src/import/sample-export.js';
import type { StoreDb } from '../src/store/db/connect.js';
import { StoreFinanceSource } from '../src/store/db/finance-source.js';
import { searchOrders } from '../src/store/db/search.js';
import { FinanceConfig } from '../src/finance/config.js';
import { reconcile, type DetailRow } from '../src/finance/reconcile.js';
import { testSchema, testStore } from './support/store.js';

const root = path.resolve(import.meta.dirname, '..');
let dir: string;

/** An ERP export of orders 1..n, GBK-encoded, with every `badEvery`-th order's unit price broken. */
async function gbkExport(file: string, n: number, badEvery: number): Promise<{ good: number; bad: number[] }> {
  const records: string[][] = [[...ERP_EXPORT_HEADER]];
  const bad: number[] = [];
  for (let i = 1; i <= n; i++) {
    const rows = sampleOrderRows(i);
    if (i % badEvery === 0) {
      (rows[0] as ErpExportRow).单价 = '十二元';
      bad.push(records.length + 1);
    }
    for (const r of rows) records.push(ERP_EXPORT_HEADER.map((h) => r[h]));
  }
  await writeFile(file, iconv.encode(stringify(records), 'gbk'));
  return { good: n - bad.length, bad };
}

async function configFor(schema: string, batchSize: number): Promise<string> {
  const file = path.join(dir, `${schema}.yaml`);
  await writeFile(file, `log:\n  level: silent\nmappings:\n  dir: ${path.join(root, 'mappings')}\ndatabase:\n  schema: ${schema}\nimport:\n  channel: old-erp\n  batchSize: ${batchSize}\n`);
  return file;
}

/** Runs the command in this process with stdout/stderr captured. */
async function run(target: string, o: Record<string, unknown>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
  try {
    const code = await importOrdersCommand(target, { progress: false, reportDir: dir, ...o }, { DATABASE_URL: inject('hubDatabaseUrl') });
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

async function counts(store: StoreDb): Promise<{ orders: number; distinct: number; rejects: number; distinctRejectRows: number }> {
  const r = await sql<{ orders: number; distinct: number; rejects: number; distinct_reject_rows: number }>`
    select (select count(*)::int from historical_orders) as orders,
           (select count(distinct (channel, platform_order_id))::int from historical_orders) as distinct,
           (select count(*)::int from import_rejects) as rejects,
           (select count(distinct row)::int from import_rejects) as distinct_reject_rows`.execute(store.db);
  const x = r.rows[0];
  if (!x) throw new Error('no counts');
  return { orders: x.orders, distinct: x.distinct, rejects: x.rejects, distinctRejectRows: x.distinct_reject_rows };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zs-import-it-'));
});

describe('zhongshu import orders (real PostgreSQL)', () => {
  let store: StoreDb;
  const schema = testSchema();
  beforeAll(async () => {
    store = await testStore(schema);
  });
  afterAll(() => store.close());

  it('dry-runs a GBK export with bad rows (report, nothing stored), imports it, and refuses to import it twice', async () => {
    const file = path.join(dir, 'gbk-export.csv');
    const { good, bad } = await gbkExport(file, 40, 9);
    const config = await configFor(schema, 7);

    const dry = await run(file, { config, dryRun: true });
    expect(dry.code).toBe(1);
    const report = (await readFile(path.join(dir, 'gbk-export.csv.rejects.csv'), 'utf8')).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(report).toEqual(['file,row,field,reason', ...bad.map((row) => `${file},${row},单价,"""十二元"" is not an amount in yuan with at most two decimals"`)]);
    expect(JSON.parse(dry.out)).toMatchObject({ dryRun: true, imported: good, rejected: bad.length });
    expect(await counts(store)).toEqual({ orders: 0, distinct: 0, rejects: 0, distinctRejectRows: 0 });

    const real = await run(file, { config });
    expect(real.code).toBe(1);
    expect(JSON.parse(real.out)).toMatchObject({ dryRun: false, imported: good, rejected: bad.length, resumedAfterRow: 0 });
    expect(await counts(store)).toEqual({ orders: good, distinct: good, rejects: bad.length, distinctRejectRows: bad.length });
    const stored = await store.db.selectFrom('historical_orders').select(['shop', 'platform', 'discount_minor', 'paid_minor', 'canonical']).where('platform_order_id', '=', 'ERP100007').executeTakeFirstOrThrow();
    // Order 7: a 5.00 coupon, no points (blank, filled by config defaults with 0).
    expect(stored).toMatchObject({ shop: '母婴旗舰店', platform: 'jd', discount_minor: 500 });
    expect(JSON.stringify(stored.canonical)).toContain('"channel":"old-erp"');

    const again = await run(file, { config });
    expect(JSON.parse(again.out)).toMatchObject({ alreadyFinished: true, imported: good });
    expect(await counts(store)).toEqual({ orders: good, distinct: good, rejects: bad.length, distinctRejectRows: bad.length });

    // The order search finds imported orders beside the hub's own, marked historical.
    const found = await searchOrders(store, { platformOrderId: 'ERP100007' }, { limit: 10, sort: '-receivedAt', cursor: null });
    expect(found.orders).toEqual([expect.objectContaining({ workflowId: 'historical:old-erp:ERP100007', orderKey: 'old-erp:ERP100007', channel: 'old-erp', state: 'historical', historical: true, platform: 'jd', waybillNo: null })]);
    expect((await searchOrders(store, { historical: true }, { limit: 1, sort: '-receivedAt', cursor: null })).totals.orders).toBe(good);
    expect((await searchOrders(store, { historical: false }, { limit: 1, sort: '-receivedAt', cursor: null })).totals.orders).toBe(0);

    // The finance figures count the imported orders of a month, each detail row marked historical.
    const finance = FinanceConfig.parse({});
    const month = await sql<{ m: string; n: number; paid: string }>`
      select to_char(paid_at at time zone 'Asia/Shanghai', 'YYYY-MM') as m, count(*)::int as n, sum(paid_minor)::text as paid
      from historical_orders where paid_at is not null group by 1 order by 2 desc limit 1`.execute(store.db);
    const busiest = month.rows[0];
    if (!busiest) throw new Error('the sample export has no paid orders');
    const detail: DetailRow[] = [];
    const summary = await reconcile(new StoreFinanceSource(store), { month: busiest.m, config: finance }, (r) => void detail.push(r));
    const paidRows = detail.filter((r) => r.orders === 1);
    expect(paidRows).toHaveLength(busiest.n);
    expect(new Set(paidRows.map((r) => r.note))).toEqual(new Set(['historical']));
    expect(String(summary.totals.reduce((n, t) => n + t.orders, 0))).toBe(String(busiest.n));
  });

  it('names what is wrong with the command line, the file or the database before reading anything', async () => {
    const config = await configFor(schema, 7);
    expect((await run(path.join(dir, 'missing.csv'), { config })).err).toContain('missing.csv: cannot read');
    await writeFile(path.join(dir, 'orders.xls'), 'x');
    expect((await run(path.join(dir, 'orders.xls'), { config })).err).toContain('unknown file type');
    expect((await run(path.join(dir, 'orders.xls'), { config, mapping: 'shopify/order.v1' })).err).toContain('is not an import mapping id');
    expect((await run(path.join(dir, 'orders.xls'), { config, encoding: 'big5' })).err).toContain('--encoding: expected one of utf8, gb18030, gbk');
  });
});

describe('an import killed mid-file resumes where its last batch committed', () => {
  it('stores every good order exactly once and reports every bad row exactly once', async () => {
    const schema = testSchema();
    const store = await testStore(schema);
    try {
      const file = path.join(dir, 'big-export.csv');
      const { good, bad } = await gbkExport(file, 6000, 97);
      const config = await configFor(schema, 50);
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), 'import', 'orders', file, '-c', config, '--no-progress', '--report-dir', dir], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: inject('hubDatabaseUrl') },
        stdio: 'ignore',
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Kill it hard once some batches are committed and the file is far from done.
      let done = 0;
      for (let i = 0; i < 1200 && done < 300; i++) {
        await sleep(50);
        const cp = await store.db.selectFrom('import_checkpoints').select(['rows_done', 'finished_at']).executeTakeFirst();
        done = cp?.rows_done ?? 0;
        expect(cp?.finished_at ?? null, 'the import finished before it could be killed: make the file bigger').toBeNull();
      }
      child.kill('SIGKILL');
      await exited;
      const mid = await counts(store);
      const cp = await store.db.selectFrom('import_checkpoints').select(['rows_done', 'finished_at', 'imported']).executeTakeFirstOrThrow();
      expect(cp.finished_at).toBeNull();
      expect(cp.rows_done).toBeGreaterThanOrEqual(300);
      expect(mid.orders).toBe(cp.imported);
      expect(mid.orders).toBeLessThan(good);

      const resumed = await run(file, { config });
      expect(JSON.parse(resumed.out)).toMatchObject({ resumedAfterRow: cp.rows_done, rejected: expect.any(Number) as number });
      expect(await counts(store)).toEqual({ orders: good, distinct: good, rejects: bad.length, distinctRejectRows: bad.length });
      const report = (await readFile(path.join(dir, 'big-export.csv.rejects.csv'), 'utf8')).trim().split('\r\n');
      expect(report.slice(1).map((l) => Number(l.split(',')[1]))).toEqual(bad);
    } finally {
      await store.close();
    }
  });
});
