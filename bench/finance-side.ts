// One side of section F in its own process, so its peak RSS (maxRSS is per process) is its own.
// argv: <side: export | floor> <orders.jsonl> <outDir>; prints one JSON line {rows, ms, maxRssKb}.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FinanceConfig } from '../src/finance/config.js';
import { exportMonth } from '../src/finance/export.js';
import { JsonLinesOrderSource } from '../src/finance/source.js';

const [side, file, outDir] = process.argv.slice(2);
if (!file || !outDir || (side !== 'export' && side !== 'floor')) throw new Error('usage: finance-side.ts export|floor <orders.jsonl> <outDir>');

async function floor(): Promise<number> {
  // The least any export must do: read each line, parse it, write it back out.
  const out = createWriteStream(path.join(outDir ?? '.', 'floor.ndjson'));
  let rows = 0;
  for await (const line of createInterface({ input: createReadStream(file ?? ''), crlfDelay: Infinity })) {
    if (!line) continue;
    rows++;
    if (!out.write(`${JSON.stringify(JSON.parse(line))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

const t0 = performance.now();
let rows: number;
if (side === 'floor') rows = await floor();
else {
  const config = FinanceConfig.parse({ commission: { taobao: { rateBasisPoints: 500 }, tmall: { rateBasisPoints: 500 }, jd: { rateBasisPoints: 800 } } });
  rows = (await exportMonth(new JsonLinesOrderSource(file), { month: '2026-11', config, outDir })).detailRows;
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ rows, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
