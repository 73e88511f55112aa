import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MappingEngine } from '../mapping/engine.js';
import { ImportConfig } from './config.js';
import { detectEncoding, encodingOfSample } from './encoding.js';
import type { Rejection } from './map-group.js';
import { readRows, type SourceRow } from './readers.js';
import { importFile } from './run.js';
import { ERP_EXPORT_HEADER, sampleOrderRows, type ErpExportRow } from './sample-export.js';

const mappingsDir = path.resolve(import.meta.dirname, '../../mappings');
const engine = new MappingEngine({ dir: mappingsDir, limits: { timeoutMs: 10_000 } });
let dir: string;
const defaults = ImportConfig.parse({}).defaults;

beforeAll(async () => {
  await engine.loadAll();
  dir = await mkdtemp(path.join(tmpdir(), 'zs-import-'));
});
afterAll(() => engine.close());

function csvOf(rows: ErpExportRow[]): string {
  return stringify([[...ERP_EXPORT_HEADER], ...rows.map((r) => ERP_EXPORT_HEADER.map((h) => r[h]))]);
}

async function collect(it: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  for await (const r of it) out.push(r);
  return out;
}

async function dryRun(file: string, format: 'csv' | 'jsonl' | 'xlsx') {
  const rejects: Rejection[] = [];
  const summary = await importFile({ file, format, engine, mappingId: 'import/erp-orders.v1', context: { channel: 'old-erp', currency: 'CNY', receivedAt: '2026-12-06T08:00:00+08:00', defaults }, groupBy: '订单编号', batchSize: 7, store: null, onReject: (r) => void rejects.push(r) });
  return { summary, rejects };
}

describe('encoding detection', () => {
  it('tells GBK from UTF-8, with or without a BOM, and survives a sample cut inside a character', async () => {
    const text = '订单编号,收货人\nERP1,王小明\n';
    expect(encodingOfSample(iconv.encode(text, 'gbk'), true)).toBe('gb18030');
    expect(encodingOfSample(Buffer.from(text, 'utf8'), true)).toBe('utf8');
    expect(encodingOfSample(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode(text, 'gbk')]), true)).toBe('utf8');
    const utf8 = Buffer.from(text, 'utf8');
    // Cut in the middle of 号 (three bytes): still UTF-8 when the sample is not the whole file.
    expect(encodingOfSample(utf8.subarray(0, utf8.indexOf(Buffer.from('号')) + 1), false)).toBe('utf8');
    const f = path.join(dir, 'gbk.csv');
    await writeFile(f, iconv.encode(text, 'gbk'));
    expect(await detectEncoding(f)).toBe('gb18030');
  });
});

describe('readers', () => {
  it('read a GBK CSV with its Chinese intact and name a row whose field count is off', async () => {
    const f = path.join(dir, 'short.csv');
    await writeFile(f, iconv.encode('订单编号,收货人\nERP1,王小明\nERP2\n', 'gbk'));
    expect(await collect(readRows(f, { format: 'csv' }))).toEqual([
      { row: 2, values: { 订单编号: 'ERP1', 收货人: '王小明' } },
      { row: 3, error: { field: '', reason: 'has 1 fields, the header has 2' } },
    ]);
  });

  it('refuse a header with a repeated column, naming it', async () => {
    const f = path.join(dir, 'dup.csv');
    await writeFile(f, 'a,b,a\n1,2,3\n');
    await expect(collect(readRows(f, { format: 'csv' }))).rejects.toThrow('header column "a" appears twice');
  });

  it('read JSON lines, naming a line that is not an object', async () => {
    const f = path.join(dir, 'rows.jsonl');
    await writeFile(f, '{"订单编号":"ERP1"}\n\n[1]\n{oops\n');
    const rows = await collect(readRows(f, { format: 'jsonl' }));
    expect(rows[0]).toEqual({ row: 1, values: { 订单编号: 'ERP1' } });
    expect(rows[1]).toEqual({ row: 3, error: { field: '', reason: 'expected a JSON object on the line' } });
    expect(rows[2]).toMatchObject({ row: 4, error: { reason: expect.stringContaining('not valid JSON') as string } });
  });

  it('read the first worksheet of an XLSX as a stream, dates as written and numbers as numbers', async () => {
    const f = path.join(dir, 'orders.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('订单');
    ws.addRow(['订单编号', '下单时间', '数量']);
    ws.addRow(['ERP1', new Date(Date.UTC(2026, 9, 11, 20, 15, 0)), 2]);
    wb.addWorksheet('汇总').addRow(['合计', 1]);
    await wb.xlsx.writeFile(f);
    expect(await collect(readRows(f, { format: 'xlsx' }))).toEqual([{ row: 2, values: { 订单编号: 'ERP1', 下单时间: '2026-10-11 20:15:00', 数量: 2 } }]);
  });
});

describe('import dry run (mapping import/erp-orders.v1)', () => {
  it('maps a GBK export, fills blank coupon and points amounts with 0, and reports each bad row by row, field and reason', async () => {
    const rows = [1, 2, 3, 4, 5, 6, 7].flatMap((n) => sampleOrderRows(n));
    // Orders 3 and 6 have two lines: file rows 4-5 and 8-9 (the header is row 1).
    const at = (fileRow: number) => rows[fileRow - 2] as ErpExportRow;
    at(3).单价 = '12.345';
    at(5).数量 = '0';
    at(7).下单时间 = '2026-13-01 10:00:00';
    at(9).下单时间 = '2026-10-30 10:00:00';
    at(10).实付金额 = '1.00';
    const f = path.join(dir, 'export-gbk.csv');
    await writeFile(f, iconv.encode(csvOf(rows), 'gbk'));
    const { summary, rejects } = await dryRun(f, 'csv');
    expect(rejects).toEqual([
      { row: 3, field: '单价', reason: '"12.345" is not an amount in yuan with at most two decimals' },
      { row: 5, field: '数量', reason: '"0" is not a positive whole number' },
      { row: 7, field: '下单时间', reason: '"2026-13-01 10:00:00" is not a real date and time' },
      { row: 8, field: '下单时间', reason: 'differs between the rows of order ERP100006' },
      { row: 10, field: '实付金额', reason: expect.stringMatching(/^1\.00 differs from goods \+ freight - discounts = \d+\.\d\d$/) as string },
    ]);
    expect(summary).toMatchObject({ dryRun: true, rows: 9, imported: 2, rejected: 5 });
  });

  it('reads the same orders from JSON lines and from XLSX', async () => {
    const rows = [10, 11, 12].flatMap((n) => sampleOrderRows(n));
    const jsonl = path.join(dir, 'export.jsonl');
    await writeFile(jsonl, rows.map((r) => JSON.stringify(r)).join('\n'));
    const xlsx = path.join(dir, 'export.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('orders');
    ws.addRow([...ERP_EXPORT_HEADER]);
    for (const r of rows) ws.addRow(ERP_EXPORT_HEADER.map((h) => r[h]));
    await wb.xlsx.writeFile(xlsx);
    for (const [file, format] of [[jsonl, 'jsonl'], [xlsx, 'xlsx']] as const) {
      const { summary, rejects } = await dryRun(file, format);
      expect(rejects).toEqual([]);
      expect(summary).toMatchObject({ rows: 4, imported: 3, rejected: 0 });
    }
  });

  it('rejects an order whose rows are not consecutive instead of merging or dropping it', async () => {
    const rows = [...sampleOrderRows(1), ...sampleOrderRows(2), ...sampleOrderRows(1)];
    const f = path.join(dir, 'unsorted.csv');
    await writeFile(f, csvOf(rows));
    const { rejects } = await dryRun(f, 'csv');
    expect(rejects).toEqual([{ row: 4, field: '订单编号', reason: 'order ERP100001 appeared already at row 2 (rows of one order must be consecutive)' }]);
  });
});
