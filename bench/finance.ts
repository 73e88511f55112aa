// Section F (issue 16): the monthly finance export over N generated orders, against a streaming
// floor (read, JSON.parse, JSON.stringify, write the same lines) measured in the same run. Each
// side runs in its own process so its peak RSS is its own; the export also runs at N/10, so the
// bench shows whether memory grows with the month (it must not: the export streams).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { writeMonthOrders } from './finance-orders.js';

const run = promisify(execFile);

export interface FinanceOptions {
  n: number;
}

const SideOutput = z.object({ rows: z.number().int(), ms: z.number(), maxRssKb: z.number() });

export interface FinanceSide {
  side: string;
  orders: number;
  rows: number;
  ms: number;
  ordersPerS: number;
  rowsPerS: number;
  peakRssMb: number;
}

export interface FinanceResult {
  options: FinanceOptions;
  fileMb: number;
  sides: FinanceSide[];
  /** export orders/s over floor orders/s. */
  speedRatio: number;
  /** export peak RSS over floor peak RSS, both at N. */
  rssRatio: number;
  /** export peak RSS at N over export peak RSS at N/10: about 1 when memory does not grow with the month. */
  growth: number;
  rssTarget: number;
  growthTarget: number;
  pass: boolean;
}

async function side(name: 'export' | 'floor', file: string, outDir: string, orders: number, label: string): Promise<FinanceSide> {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(here, 'finance-side.ts'), name, file, outDir], { maxBuffer: 1024 * 1024 });
  const r = SideOutput.parse(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
  return { side: label, orders, rows: r.rows, ms: r.ms, ordersPerS: orders / (r.ms / 1000), rowsPerS: r.rows / (r.ms / 1000), peakRssMb: r.maxRssKb / 1024 };
}

export async function runFinanceBench(o: FinanceOptions, progress: (msg: string) => void): Promise<FinanceResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'zs-bench-finance-'));
  try {
    const small = Math.max(1, Math.floor(o.n / 10));
    progress(`section F: generating ${o.n} and ${small} orders`);
    const big = path.join(dir, 'orders.jsonl');
    const smallFile = path.join(dir, 'orders-small.jsonl');
    const bytes = await writeMonthOrders(big, o.n);
    await writeMonthOrders(smallFile, small);
    progress('section F: floor');
    const floor = await side('floor', big, dir, o.n, `floor (parse + JSON.stringify each line), ${o.n}`);
    progress('section F: export');
    const exp = await side('export', big, dir, o.n, `export (validate, reconcile, CSV), ${o.n}`);
    progress('section F: export at a tenth');
    const expSmall = await side('export', smallFile, dir, small, `export, ${small}`);
    const rssRatio = exp.peakRssMb / floor.peakRssMb;
    const growth = exp.peakRssMb / expSmall.peakRssMb;
    const rssTarget = 2;
    const growthTarget = 1.5;
    return { options: o, fileMb: bytes / 1024 / 1024, sides: [floor, exp, expSmall], speedRatio: exp.ordersPerS / floor.ordersPerS, rssRatio, growth, rssTarget, growthTarget, pass: rssRatio <= rssTarget && growth <= growthTarget };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
