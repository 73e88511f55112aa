import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { financeExportCommand } from './finance.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(here, '..', 'finance', '__fixtures__', 'orders.jsonl');
const dir = mkdtempSync(path.join(tmpdir(), 'zhongshu-finance-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Only the finance section is read: the hub's secret references stay unresolved and do not matter.
const configFile = path.join(dir, 'zhongshu.yaml');
writeFileSync(configFile, 'auth:\n  apiKeys:\n    - name: admin\n      roles: [operations_lead]\n      key: ${NOT_SET_HERE}\nfinance:\n  commission:\n    taobao: { rateBasisPoints: 500 }\n');

describe('zhongshu finance export', () => {
  let out: MockInstance;
  let err: MockInstance;
  beforeEach(() => {
    out = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    err = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
  });
  afterEach(() => vi.restoreAllMocks());
  const printed = (m: MockInstance) => m.mock.calls.map((c) => String(c[0])).join('');

  it('writes both files and prints the totals (the November figures of src/finance/reconcile.test.ts)', async () => {
    const outDir = path.join(dir, 'nov');
    expect(await financeExportCommand({ month: '2026-11', from: FIXTURE, out: outDir, config: configFile })).toBe(0);
    expect(printed(out)).toContain('total CNY: 4 orders, received 372.00, commission 14.10 (estimated 11.00), refunds 60.00, net 297.90');
    expect(printed(err)).toContain('warning: 1 order(s) say refunded but carry no refund amounts');
    const summary = readFileSync(path.join(outDir, 'reconciliation-2026-11-summary.csv'), 'utf8');
    expect(summary).toContain('合计 total,,,USD,1,49.99,5.00,0.00,0.00,58.99,0.00,0.00,10.00,48.99');
  });

  it('names a bad option and a bad finance section', async () => {
    expect(await financeExportCommand({ month: '11/2026', from: FIXTURE, out: dir, config: configFile })).toBe(2);
    expect(printed(err)).toContain('--month: expected YYYY-MM, e.g. 2026-11');
    expect(await financeExportCommand({ month: '2026-11', out: dir, config: configFile }, {})).toBe(2);
    expect(printed(err)).toContain('--from: no source');
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'finance:\n  utcOffset: "8"\n  commission:\n    taobao: { rateBasisPoints: 0.5 }\n');
    await expect(financeExportCommand({ month: '2026-11', from: FIXTURE, out: dir, config: bad })).rejects.toThrow(/finance\.utcOffset: expected an offset like \+08:00\n.*finance\.commission\.taobao\.rateBasisPoints: /);
  });
});
