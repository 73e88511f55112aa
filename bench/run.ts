// `npm run bench`: A. engine floor vs hub (issue 2), B. mapping engine speed (issue 3),
// C. full lifecycle vs a floor with the same activity count (issue 4) and eager workflow start on vs off (issue 19), D. resilience layers (issue 7),
// E. legacy ERP over ODBC (issue 8), F. monthly finance export (issue 16), G. sustained load and H. the dev server's SQLite settings (issue 19), I. historical import (issue 17),
// J. the hub as http + worker processes on the Temporal cluster, 1 vs 2 workers, beside the dev server (issue 19).
// Numbers are only compared within one run (ratios against a baseline measured alongside),
// because this runs on small, noisy machines. Tables go to stdout, progress to stderr.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { z } from 'zod';
import { createLogger } from '../src/logger.js';
import { errorMessage } from '../src/util/errors.js';
import { packageRoot } from '../src/util/package-info.js';
import { runEngineBench, type EngineOptions, type EngineResult, type SideName } from './engine.js';
import { runLifecycleBench, type LifecycleOptions, type LifecycleResult, type LifecycleSide } from './lifecycle.js';
import { cpuTotal } from './cpu.js';
import { runMappingBench, type MappingOptions, type MappingResult } from './mapping.js';
import { runResilienceBench, type ResilienceResult } from './resilience.js';
import { runLegacyErpBench, type LegacyErpOptions, type LegacyErpResult } from './legacy-erp.js';
import { runFinanceBench, type FinanceOptions, type FinanceResult } from './finance.js';
import { runImportBench, type ImportBenchOptions, type ImportBenchResult } from './import.js';
import { KEEP_UP_DRAIN_S, runLoadBench, type LoadOptions, type LoadResult } from './load.js';
import { runSqliteBench, type SqliteOptions, type SqliteResult } from './sqlite.js';
import { runScaleBench, type ScaleOptions, type ScaleOutcome } from './scale.js';
import { SCALE_SIDE_LABEL, scaleRatios, scaleReading } from './scale-report.js';
import { installCleanupHandlers, startBenchServices } from './services.js';
import { ms, rate, table, verdict } from './table.js';

function envInt(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}=${raw}: expected an integer >= ${min}`);
  return n;
}

function envJsonObject(name: string): Record<string, unknown> | null {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${name}: not JSON (${errorMessage(err)})`);
  }
  const r = z.record(z.string(), z.unknown()).safeParse(value);
  if (!r.success) throw new Error(`${name}=${raw}: expected a JSON object of temporal.worker keys, e.g. {"maxCachedWorkflows":100}`);
  return r.data;
}

const started = Date.now();
const progress = (msg: string) => process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

// Defaults keep the whole run near 3 minutes on 2 busy cores (where the floor is 10-20 wf/s);
// raise BENCH_N / BENCH_ROUNDS on a quiet machine for tighter numbers.
const engineOpts: EngineOptions = {
  n: envInt('BENCH_N', 120, 1),
  concurrency: envInt('BENCH_CONCURRENCY', 16, 1),
  rounds: envInt('BENCH_ROUNDS', 2, 1),
  warmup: envInt('BENCH_WARMUP', 30),
  http: process.env['BENCH_HTTP'] !== '0',
  hubLogLevel: process.env['BENCH_HUB_LOG'] ?? 'info',
};
const mappingOpts: MappingOptions = {
  dir: path.join(packageRoot(), 'mappings'),
  budgetMs: envInt('BENCH_MAP_MS', 200, 10),
  sizes: [5, 100],
  blockLines: 200,
  blockRuns: envInt('BENCH_BLOCK_RUNS', 5, 1),
  ...(process.env['BENCH_MAPPING'] ? { only: process.env['BENCH_MAPPING'] } : {}),
};
// BENCH_SF_LATENCY_MS (150) and BENCH_WDT_LATENCY_MS (100): the sandboxes' answer delays in section C.
// Concurrency 8 is the "moderate load" the paid-to-WMS target (p50 < 300 ms) is stated for; the
// defaults keep section C (services, warm-up, 2 rounds per side, three sides) near two minutes on 2 busy cores.
const lifecycleOpts: LifecycleOptions = {
  n: envInt('BENCH_LIFECYCLE_N', 60, 1),
  concurrency: envInt('BENCH_LIFECYCLE_CONCURRENCY', 8, 1),
  rounds: envInt('BENCH_LIFECYCLE_ROUNDS', 2, 1),
  warmup: envInt('BENCH_LIFECYCLE_WARMUP', 10),
  orderTimeoutMs: envInt('BENCH_LIFECYCLE_TIMEOUT_S', 60, 1) * 1000,
  hubLogLevel: process.env['BENCH_HUB_LOG'] ?? 'info',
  // What the sandboxes take to answer. Assumed, not measured: SF's open platform answers a
  // waybill create in roughly 100-300 ms, Wangdiantong's trade_push in roughly 50-200 ms from
  // a shop's network; set them to what you see from yours.
  sfLatencyMs: envInt('BENCH_SF_LATENCY_MS', 150),
  wdtLatencyMs: envInt('BENCH_WDT_LATENCY_MS', 100),
  // Worker tuning (issue 19): BENCH_LIFECYCLE_WORKER='{"maxCachedWorkflows":100}' (temporal.worker keys) adds a side with those settings.
  tunedWorker: envJsonObject('BENCH_LIFECYCLE_WORKER'),
};
// Section D (issue 7): resilience layers on the hot path, calls/s with and without.
const resilienceOpts = { budgetMs: envInt('BENCH_RES_MS', 400, 50), rounds: envInt('BENCH_RES_ROUNDS', 3, 1), concurrency: envInt('BENCH_RES_CONCURRENCY', 16, 1) };
// Section E (issue 8): legacy ERP over ODBC. The issue's backlog is 100,000 rows (BENCH_ERP_BACKLOG=100000,
// about an hour at the ~25 rows/s measured on 2 shared cores); the default is smaller so `npm run bench` stays short.
const legacyErpOpts: LegacyErpOptions = {
  samples: envInt('BENCH_ERP_SAMPLES', 10, 1),
  backlog: envInt('BENCH_ERP_BACKLOG', 2000, 1),
  intervalSeconds: envInt('BENCH_ERP_INTERVAL_S', 10, 1),
  batchSize: envInt('BENCH_ERP_BATCH', 500, 1),
  concurrency: envInt('BENCH_ERP_CONCURRENCY', 8, 1),
  hubLogLevel: process.env['BENCH_HUB_LOG'] ?? 'info',
};
// Section F (issue 16): the finance export of a generated month, BENCH_FINANCE_N orders (the issue's 100,000).
const financeOpts: FinanceOptions = { n: envInt('BENCH_FINANCE_N', 100_000, 10) };
// Section I (issue 17): historical import of BENCH_IMPORT_ROWS rows of a GBK ERP export (the issue's 100,000).
const importOpts: ImportBenchOptions = { rows: envInt('BENCH_IMPORT_ROWS', 100_000, 100) };
// Section G (issue 19): sustained load. BENCH_LOAD_RATES (orders/s, stepped up until completion
// falls behind), BENCH_LOAD_S (60 s per rate), BENCH_LOAD_DRAIN_S (60 s for the backlog after each).
function envRates(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const rates = raw.split(',').map((x) => Number(x.trim()));
  if (!rates.every((r) => Number.isFinite(r) && r > 0)) throw new Error(`${name}=${raw}: expected comma-separated rates > 0, e.g. 5,10,20`);
  return rates.sort((a, b) => a - b);
}
const loadOpts: LoadOptions = {
  rates: envRates('BENCH_LOAD_RATES', [5, 10, 15, 20, 30, 40]),
  durationS: envInt('BENCH_LOAD_S', 60, 1),
  drainS: envInt('BENCH_LOAD_DRAIN_S', 60, 0),
  sfLatencyMs: lifecycleOpts.sfLatencyMs,
  wdtLatencyMs: lifecycleOpts.wdtLatencyMs,
  hubLogLevel: process.env['BENCH_HUB_LOG'] ?? 'info',
};
// Section H (issue 19): the dev server's SQLite settings, BENCH_SQLITE_N workflows (300) per setting
// and round, BENCH_SQLITE_ROUNDS (2), 16 in flight.
const sqliteOpts: SqliteOptions = { n: envInt('BENCH_SQLITE_N', 300, 1), concurrency: envInt('BENCH_SQLITE_CONCURRENCY', 16, 1), rounds: envInt('BENCH_SQLITE_ROUNDS', 2, 1) };
// Section J (issue 19): the hub as processes on the Temporal cluster (1 and 2 workers) and on the dev
// server. BENCH_SCALE_N orders per side and round (120) at BENCH_SCALE_CONCURRENCY (16) in flight,
// each batch after BENCH_SCALE_WARMUP (10) orders, BENCH_SCALE_ROUNDS (2); the whole section,
// start-ups included, is sized for ~3 minutes on 2 cores.
const scaleOpts: ScaleOptions = {
  n: envInt('BENCH_SCALE_N', 120, 1),
  rounds: envInt('BENCH_SCALE_ROUNDS', 2, 1),
  concurrency: envInt('BENCH_SCALE_CONCURRENCY', 16, 1),
  warmup: envInt('BENCH_SCALE_WARMUP', 10),
  orderTimeoutMs: envInt('BENCH_SCALE_TIMEOUT_S', 60, 1) * 1000,
  sfLatencyMs: lifecycleOpts.sfLatencyMs,
  wdtLatencyMs: lifecycleOpts.wdtLatencyMs,
  hubLogLevel: process.env['BENCH_HUB_LOG'] ?? 'info',
};
// BENCH_ONLY=engine, lifecycle, mapping, resilience, legacy-erp, finance, load, sqlite, import or scale (comma-separated for several) runs only those sections.
const SECTIONS = ['engine', 'lifecycle', 'mapping', 'resilience', 'legacy-erp', 'finance', 'load', 'sqlite', 'import', 'scale'];
const only = (process.env['BENCH_ONLY'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
for (const x of only) if (!SECTIONS.includes(x)) throw new Error(`BENCH_ONLY=${x}: expected one or more of ${SECTIONS.join(', ')}`);
const runs = (section: string) => only.length === 0 || only.includes(section);

const SIDE_LABEL: Record<SideName, string> = { floor: 'floor (Temporal client, bench workflow)', hub: 'hub (app.request, in-process)', 'hub-http': 'hub (HTTP over loopback)' };

function printEngine(r: EngineResult): void {
  const o = r.options;
  console.log(`\nA. Engine floor vs hub (issue 2)`);
  console.log(`   ${o.n} workflows x ${o.rounds} rounds per side, ${o.concurrency} in flight, ${r.activityCount} activity per workflow, warm-up ${o.warmup}, hub log level ${o.hubLogLevel}`);
  console.log(`   rate = workflows started AND completed per second; answer = start accepted (floor) / webhook 200 (hub)\n`);
  console.log(
    table(
      ['side', 'wf/s', 'per round', 'answer p50', 'p99', 'e2e p50', 'p99'],
      r.sides.map((s) => [SIDE_LABEL[s.side], rate(s.rate), s.rounds.map((x) => rate(x.rate)).join(' / '), ms(s.answer.p50), ms(s.answer.p99), ms(s.endToEnd.p50), ms(s.endToEnd.p99)]),
    ),
  );
  console.log(`\n   hub/floor = ${r.ratio.toFixed(3)}  (target >= ${r.target})  ${verdict(r.pass)}`);
  if (r.ratioHttp !== null) console.log(`   hub over HTTP/floor = ${r.ratioHttp.toFixed(3)}  (socket cost shown for information; the target applies in-process)`);
}

const LIFECYCLE_SIDE_LABEL: Record<LifecycleSide['side'], string> = {
  floor: 'floor (Temporal client, bench workflow)',
  hub: 'hub (app.request, lifecycle, eager start on)',
  plain: 'hub, temporal.eagerStart false',
  tuned: 'hub, eager start on, BENCH_LIFECYCLE_WORKER',
};

function printLifecycle(r: LifecycleResult): void {
  const o = r.options;
  console.log(`\nC. Full lifecycle vs engine floor (issue 4), eager workflow start on vs off (issue 19)`);
  console.log(`   ${o.n} orders x ${o.rounds} rounds per side, ${o.concurrency} in flight, ${r.activityCount} activities per order up to the WMS push, warm-up ${o.warmup}, hub log level ${o.hubLogLevel}`);
  console.log(`   hub: signed Shopify webhook -> record, rules, stock lock, SF waybill, WDT push (SF sandbox answering after ${o.sfLatencyMs} ms, WDT sandbox after ${o.wdtLatencyMs} ms); done = the WDT sandbox recorded the trade`);
  console.log(`   the two hub sides are one config apart (temporal.eagerStart), each with its own task queue, on the same servers; sides alternate within each round`);
  console.log(`   floor: bench workflow with ${r.activityCount} activities via the Temporal client, all no-ops but the two adapter steps, which wait ${o.sfLatencyMs} and ${o.wdtLatencyMs} ms like the sandboxes; done = workflow returned\n`);
  console.log(
    table(
      ['side', 'orders/s', 'per round', 'answer p50', 'p99', 'answer->done p50', 'p99', 'eager starts'],
      [r.floor, r.hub, r.plain, ...(r.tuned ? [r.tuned] : [])].map((s) => [LIFECYCLE_SIDE_LABEL[s.side], rate(s.rate), s.rounds.map((x) => rate(x.rate)).join(' / '), ms(s.answer.p50), ms(s.answer.p99), ms(s.afterAnswer.p50), ms(s.afterAnswer.p99), s.side === 'floor' ? '-' : `${s.starts.eager}/${s.starts.started}`]),
    ),
  );
  console.log(`\n   hub/floor = ${r.ratio.toFixed(3)}  (target >= ${r.target})  ${verdict(r.pass)}`);
  console.log(`   paid-to-WMS (webhook answer -> trade stored at WDT) at ${o.concurrency} in flight: p50 ${ms(r.paidToWms.p50)} ms, p99 ${ms(r.paidToWms.p99)} ms, max ${ms(r.paidToWms.max)} ms  (target p50 < ${r.latencyTargetP50Ms} ms)  ${verdict(r.latencyPass)}`);
  const e = r.eager;
  console.log(
    `   eager start on/off: paid-to-WMS p50 ${ms(r.hub.afterAnswer.p50)} / ${ms(r.plain.afterAnswer.p50)} ms = ${e.paidToWmsP50.toFixed(3)}, p99 ${ms(r.hub.afterAnswer.p99)} / ${ms(r.plain.afterAnswer.p99)} ms = ${e.paidToWmsP99.toFixed(3)}; webhook answer p50 ${ms(r.hub.answer.p50)} / ${ms(r.plain.answer.p50)} ms = ${e.answerP50.toFixed(3)}; webhook->WMS rate ${rate(r.hub.rate)} / ${rate(r.plain.rate)} orders/s = ${e.rate.toFixed(3)}`,
  );
  if (r.tuned && o.tunedWorker) {
    const t = r.tuned;
    console.log(
      `   worker tuning ${JSON.stringify(o.tunedWorker)} vs defaults (both eager): paid-to-WMS p50 ${ms(t.afterAnswer.p50)} / ${ms(r.hub.afterAnswer.p50)} ms = ${(t.afterAnswer.p50 / r.hub.afterAnswer.p50).toFixed(3)}, p99 ${ms(t.afterAnswer.p99)} / ${ms(r.hub.afterAnswer.p99)} ms = ${(t.afterAnswer.p99 / r.hub.afterAnswer.p99).toFixed(3)}; rate ${rate(t.rate)} / ${rate(r.hub.rate)} orders/s = ${(t.rate / r.hub.rate).toFixed(3)}`,
    );
  }
  console.log(`   WMS receive time: ${r.latencySource}`);
  console.log(`\n   paid-to-WMS split per step (hub orders of the timed rounds, eager start on | off; workflow timeline times, which are workflow-task start times, except stock locked: the worker's clock once the lock is in, which with local steps also covers record and rules):`);
  console.log(
    table(
      ['step', 'n', 'p50 ms', 'p99 ms', 'max ms', '| off p50', 'p99', 'max', ...(r.tuned ? ['| tuned p50', 'p99'] : [])],
      r.steps.map((x) => [x.step, String(x.summary.n), ms(x.summary.p50), ms(x.summary.p99), ms(x.summary.max), ms(x.plain.p50), ms(x.plain.p99), ms(x.plain.max), ...(x.tuned ? [ms(x.tuned.p50), ms(x.tuned.p99)] : [])]),
    ),
  );
  console.log(`\n   the same orders' time from workflow start to the WMS push's completion, from their histories (eager start on; server event times, ms):`);
  console.log(table(['part', 'n', 'p50', 'mean', 'p99'], r.engine.map((x) => [x.part, String(x.summary.n), ms(x.summary.p50), ms(x.summary.mean), ms(x.summary.p99)])));
  printLifecycleCpu(r);
}

/**
 * Where the time goes when the box is the limit: each side's CPU per order (timed rounds), the
 * cores it kept busy, and the rate those cores allow. At a fixed number in flight, Little's law
 * turns that rate into the shortest mean time an order can take.
 */
function printLifecycleCpu(r: LifecycleResult): void {
  const cores = availableParallelism();
  const cpu = (x: number | null) => (x === null ? '-' : x.toFixed(1));
  const sides = [r.floor, r.hub, r.plain, ...(r.tuned ? [r.tuned] : [])];
  console.log(`\n   CPU per order over the timed rounds (ms; this process = hub, worker, sandboxes and load generator, all threads), on ${cores} cores:`);
  console.log(
    table(
      ['side', 'this process', 'Temporal', 'Redis', 'total', 'cores busy', 'main thread busy', 'rate the cores allow', `mean at ${r.options.concurrency} in flight >=`],
      sides.map((s) => {
        const c = s.cpuPerOrder;
        const total = cpuTotal(c);
        const allowed = total === null || total === 0 ? null : (cores * 1000) / total;
        return [LIFECYCLE_SIDE_LABEL[s.side], cpu(c.bench), cpu(c.temporal), cpu(c.redis), cpu(total), s.coresBusy === null ? '-' : s.coresBusy.toFixed(2), `${(s.mainThreadBusy * 100).toFixed(0)} %`, allowed === null ? '-' : `${rate(allowed)}/s`, allowed === null ? '-' : `${ms((r.options.concurrency / allowed) * 1000)} ms`];
      }),
    ),
  );
}

function printImport(r: ImportBenchResult): void {
  console.log(`\nI. Historical import (issue 17): ${r.options.rows} rows of a generated GBK ERP export (${r.fileMb.toFixed(1)} MB), each side in its own process`);
  console.log(table(['side', 'rows', 'orders', 's', 'rows/s', 'peak RSS MB'], r.sides.map((s) => [s.side, String(s.rows), String(s.orders), (s.ms / 1000).toFixed(1), rate(s.rowsPerS), s.peakRssMb.toFixed(0)])));
  console.log(`\n   dry run/parse = ${r.dryRunSpeedRatio.toFixed(3)}, import/parse = ${r.importSpeedRatio.toFixed(3)} (rows/s)`);
  console.log(`   peak RSS import/parse = ${r.rssRatio.toFixed(2)}, import at N over import at N/10 = ${r.growth.toFixed(2)} (about 1: memory does not follow the file)`);
  const k = r.rawPayloads;
  console.log(`   raw payloads kept for mapping diffs (intake hot path): record() ${k.recordUs.toFixed(2)} us CPU per ${k.bodyBytes}-byte payload vs ${k.parseUs.toFixed(2)} us for the JSON.parse intake does anyway (ratio ${(k.recordUs / k.parseUs).toFixed(3)}); written in the background at ${rate(k.writtenPerS)} payloads/s`);
}

function printLoad(r: LoadResult): void {
  const o = r.options;
  console.log(`\nG. Sustained load (issue 19): signed Shopify webhooks at a fixed rate for ${o.durationS} s per step, through the section C lifecycle (SF after ${o.sfLatencyMs} ms, WDT after ${o.wdtLatencyMs} ms)`);
  console.log(`   accepted = webhook 200; completed = trade recorded at the WDT sandbox within the window; backlog = accepted, not yet at the WMS, when arrivals stopped`);
  console.log(`   kept up = every webhook accepted and the backlog reached the WMS within ${KEEP_UP_DRAIN_S} s after arrivals stopped; peak RSS = bench process (hub, sandboxes, load generator) + temporal + redis-server\n`);
  console.log(
    table(
      ['offered/s', 'offered', 'accepted/s', 'rejected', 'completed/s', 'backlog at end', 'drained after s', 'peak RSS MB', 'kept up'],
      r.steps.map((x) => [String(x.rate), String(x.offered), rate(x.acceptedPerS), String(x.rejected), rate(x.completedPerS), String(x.backlogAtEnd), x.drainedAfterS === null ? `> ${o.drainS}` : x.drainedAfterS.toFixed(1), x.peakRssMb.toFixed(0), x.keptUp ? 'yes' : 'no']),
    ),
  );
  console.log(`\n   highest rate completion kept up with: ${r.sustainedRate === null ? 'none of the steps' : `${r.sustainedRate} orders/s`}`);
}

function printScale(outcome: ScaleOutcome): void {
  if (!outcome.ran) {
    console.log(`\nJ. Scale: 1 vs 2 worker processes on the Temporal cluster: SKIPPED: ${outcome.skipped}`);
    return;
  }
  const r = outcome.result;
  const o = r.options;
  console.log(`\nJ. Scale (issue 19): the hub as \`zhongshu start --role http\` + \`--role worker\` processes on the Temporal cluster (frontend, history, matching, worker on PostgreSQL; deploy/temporal/config) and on the dev server`);
  console.log(`   ${o.n} orders x ${o.rounds} rounds per side, ${o.concurrency} in flight, warm-up ${o.warmup} before each batch; signed Shopify webhooks over HTTP to the http process, through the section C lifecycle (SF after ${o.sfLatencyMs} ms, WDT after ${o.wdtLatencyMs} ms); hub log level ${o.hubLogLevel}`);
  console.log(`   orders/s = webhook to trade recorded at the WDT sandbox; paid-to-WMS = webhook answer -> trade recorded; sides alternate within each round in the order shown; both Temporals and hubs stay up throughout; a fresh second worker process joins the cluster's task queue for its batch each round`);
  console.log(`   neither Temporal store syncs to disk (dev server SQLite synchronous=OFF, cluster PostgreSQL fsync=off); every side shares one redis-server and one order-store PostgreSQL\n`);
  console.log(
    table(
      ['side', 'orders/s', 'per round', 'answer p50', 'p99', 'paid->WMS p50', 'p99', 'max', 'WMS pushes per worker'],
      r.sides.map((s) => [SCALE_SIDE_LABEL[s.side], rate(s.rate), s.perRound.map(rate).join(' / '), ms(s.answer.p50), ms(s.answer.p99), ms(s.paidToWms.p50), ms(s.paidToWms.p99), ms(s.paidToWms.max), s.pushesPerWorker.join(' / ')]),
    ),
  );
  const ratios = scaleRatios(r.sides);
  const x = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-');
  console.log('');
  console.log(table(['ratio', 'orders/s', 'paid->WMS p50', 'p99'], ratios.map((q) => [q.label, x(q.rate), x(q.p50), x(q.p99)])));
  console.log('');
  for (const line of scaleReading(availableParallelism(), ratios)) console.log(`   ${line}`);
  console.log(`   load average (1 min) ${r.load.start.toFixed(1)} at the start, ${r.load.end.toFixed(1)} at the end; phases (s): ${Object.entries(r.phaseS).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

function printSqlite(r: SqliteResult): void {
  const o = r.options;
  console.log(`\nH. Embedded dev server SQLite settings (issue 19): ${o.n} one-activity workflows per setting and round, ${o.concurrency} in flight, ${o.rounds} rounds, a fresh server each`);
  console.log(`   starts/s = client starts acknowledged; completed/s = the same workflows finished, from the first start\n`);
  const per = (xs: number[]) => xs.map(rate).join(' / ');
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
  const base = r.rows[0];
  console.log(
    table(
      ['setting', 'starts/s', 'per round', 'completed/s', 'per round', 'starts vs before', 'completed vs before'],
      r.rows.map((x) => [x.setting, rate(mean(x.startsPerS)), per(x.startsPerS), rate(mean(x.completedPerS)), per(x.completedPerS), base ? (mean(x.startsPerS) / mean(base.startsPerS)).toFixed(2) : '-', base ? (mean(x.completedPerS) / mean(base.completedPerS)).toFixed(2) : '-']),
    ),
  );
}

function printLegacyErp(r: LegacyErpResult): void {
  const o = r.options;
  console.log(`\nE. Legacy ERP over ODBC (issue 8): PostgreSQL through unixODBC + psqlODBC, is_synced + updated-at cursor`);
  console.log(`   insert -> workflow start at the ${o.intervalSeconds} s interval (real Temporal Schedule), ${r.latency.n} samples: p50 ${ms(r.latency.p50)} ms, p95 ${ms(r.latency.p95)} ms, max ${ms(r.latency.max)} ms  (target p95 < ${r.latencyTargetMs} ms)  ${verdict(r.latencyPass)}`);
  console.log(`   backlog: ${r.backlog.rows} rows present at start${r.backlog.rows < 100_000 ? ' (full size 100,000: BENCH_ERP_BACKLOG=100000)' : ''}, batch ${o.batchSize}, ${o.concurrency} starts in flight: ${rate(r.backlog.rate)} rows/s (${(r.backlog.ms / 1000).toFixed(1)} s until every workflow started and every row flagged)`);
  console.log(`   engine workflow-start floor (${r.floor.starts} client starts, ${o.concurrency} in flight, same servers): ${rate(r.floor.rate)} starts/s`);
  console.log(`\n   backlog/floor = ${r.ratio.toFixed(3)}  (target >= ${r.target})  ${verdict(r.pass)}`);
}

function printMapping(r: MappingResult, o: MappingOptions): void {
  console.log(`\nB. Mapping engine speed (issue 3), ${o.budgetMs} ms per measurement after warm-up; times in ms per evaluation`);
  console.log(`   cached = engine.evaluate + canonical schema (mapInboundOrder without the lines[].paid check: the copied lines keep the fixture totals); per-call = jsonata(source) compiled every time; x parse = cached p50 / JSON.parse p50 of the same text\n`);
  const rows: string[][] = [];
  for (const m of r.rows) {
    for (const s of m.sizes) {
      rows.push([
        m.mappingId,
        String(s.lines) + (s.outLines !== s.lines ? `->${s.outLines}` : '') + (s.distinctIds ? '*' : ''),
        String(s.bytes),
        rate(s.cached.rate),
        ms(s.cached.p50),
        ms(s.cached.p99),
        rate(s.compilePerCall.rate),
        ms(s.compilePerCall.p50),
        ms(s.compilePerCall.p99),
        ms(s.jsonParse.p50),
        ms(s.parseJsonSafe.p50),
        (s.cached.p50 / s.jsonParse.p50).toFixed(1),
        (s.compilePerCall.p50 / s.cached.p50).toFixed(1),
      ]);
    }
  }
  console.log(table(['mapping', 'lines', 'bytes', 'cached/s', 'p50', 'p99', 'per-call/s', 'p50', 'p99', 'JSON.parse', 'parseJsonSafe', 'x parse', 'per-call/cached'], rows));
  console.log(`   (* = copies got distinct line ids because the canonical schema rejects duplicates; a->b = a input lines, b canonical lines)`);

  console.log(`\n   Event-loop block while mapping a ${o.blockLines}-line order (${o.blockRuns} runs, longest gap between setImmediate probe ticks)`);
  console.log(`   inline = evaluated on the event loop (baseline); pool = the hub's worker threads (2), as webhooks map; the verdict is the pool's\n`);
  console.log(
    table(
      ['mapping', 'inline', '+parseJsonSafe', 'histogram max', 'pool', '+parseJsonSafe', 'histogram max', `p50 (5 lines) < ${0.5}`, `pool block <= ${20}`, 'note'],
      r.rows.map((m) => [
        m.mappingId,
        m.block ? ms(m.block.mappingMs) : '-',
        m.block ? ms(m.block.parseAndMappingMs) : '-',
        m.block ? ms(m.block.histogramMaxMs) : '-',
        m.block ? ms(m.block.pooledMs) : '-',
        m.block ? ms(m.block.pooledParseMs) : '-',
        m.block ? ms(m.block.pooledHistogramMaxMs) : '-',
        verdict(m.pass.p50),
        verdict(m.pass.block),
        m.block?.failure ? (m.block.failure.includes('D1012') ? `fails: ${o.blockLines} lines exceed the mapping time limit` : 'fails mapping (see below)') : '',
      ]),
    ),
  );
  for (const m of r.rows) for (const p of m.problems) console.log(`   ${m.mappingId}: ${p}`);
  if (r.skipped.length) {
    console.log(`\n   Skipped:`);
    for (const s of r.skipped) console.log(`   - ${s.mappingId}: ${s.reason}`);
  }
}

function printResilience(r: ResilienceResult): void {
  const o = r.options;
  console.log(`\nD. Resilience layers on the hot path (issue 7)`);
  console.log(`   one instant adapter action, ${o.concurrency} in flight, ${o.rounds} rounds x ${o.budgetMs} ms per variant (interleaved), real redis-server on loopback`);
  console.log(`   ratio = calls/s / bare calls/s of the same answer time; overhead = 1/rate - 1/bare rate, i.e. throughput cost per call\n`);
  console.log(table(['variant', 'calls/s', 'per round', 'ratio', 'overhead us/call'], r.rows.map((x) => [x.variant, rate(x.rate), x.perRound.map(rate).join(' / '), x.ratio.toFixed(3), x.variant.startsWith('bare') ? '-' : x.overheadUs.toFixed(1)])));
}

function printFinance(r: FinanceResult): void {
  console.log(`\nF. Monthly finance export (issue 16): ${r.options.n} generated orders (${r.fileMb.toFixed(1)} MB of JSON lines), each side in its own process`);
  console.log(`   floor = read each line, JSON.parse, JSON.stringify, write; export = zod-validate, reconcile per platform/shop/day, detail + summary CSV`);
  console.log(`   peak RSS includes each process's start-up (node, tsx and the modules it loads); the export at N against N/10 shows whether memory follows the month's size\n`);
  console.log(table(['side', 'orders/s', 'rows/s', 'rows', 's', 'peak RSS MB'], r.sides.map((x) => [x.side, rate(x.ordersPerS), rate(x.rowsPerS), String(x.rows), (x.ms / 1000).toFixed(1), x.peakRssMb.toFixed(0)])));
  console.log(`\n   export/floor speed = ${r.speedRatio.toFixed(3)} (information)`);
  console.log(`   export/floor peak RSS = ${r.rssRatio.toFixed(3)}  (target <= ${r.rssTarget})  ${verdict(r.rssRatio <= r.rssTarget)}`);
  console.log(`   export peak RSS at N / at N/10 = ${r.growth.toFixed(3)}  (target <= ${r.growthTarget}: memory must not follow the month's size)  ${verdict(r.growth <= r.growthTarget)}`);
}

async function main(): Promise<number> {
  const logger = createLogger({ level: process.env['BENCH_LOG_LEVEL'] ?? 'warn', name: 'bench' });
  installCleanupHandlers(logger);
  // The worker's Rust core logs to the console at INFO by default, which would cut through the tables.
  Runtime.install({ logger: new DefaultLogger('WARN') });

  let engine: EngineResult | null = null;
  let engineError: string | null = null;
  if (runs('engine')) {
    progress('starting a Temporal dev server (SQLite WAL, synchronous=OFF, headless) and redis-server on free ports');
    const services = await startBenchServices(logger);
    try {
      // Synchronous file writes, like pino's default stdout: the hub pays for its logging as in production.
      const hubLogger = createLogger({ level: engineOpts.hubLogLevel, name: 'zhongshu' }, pino.destination({ dest: path.join(services.dataDir, 'hub.log'), sync: true }));
      engine = await runEngineBench(engineOpts, { temporalAddress: services.temporalAddress, redisUrl: services.redisUrl, logger, hubLogger, progress });
    } catch (err) {
      engineError = errorMessage(err);
      progress(`engine bench failed: ${engineError}`);
    } finally {
      // Stop the servers before section B so their background work does not disturb it.
      await services.stop();
    }
    if (engine) printEngine(engine);
    else console.log(`\nA. Engine floor vs hub: FAILED: ${engineError}`);
  }

  let lifecycle: LifecycleResult | null = null;
  let lifecycleError: string | null = null;
  if (runs('lifecycle')) {
    // Fresh servers: section A's thousands of closed workflows must not weigh on section C's SQLite.
    progress('section C: starting its own Temporal dev server and redis-server');
    const services = await startBenchServices(logger);
    try {
      const hubLogger = createLogger({ level: lifecycleOpts.hubLogLevel, name: 'zhongshu' }, pino.destination({ dest: path.join(services.dataDir, 'hub-lifecycle.log'), sync: true }));
      const t0 = Date.now();
      lifecycle = await runLifecycleBench(lifecycleOpts, { temporalAddress: services.temporalAddress, redisUrl: services.redisUrl, pids: services.pids, logger, hubLogger, progress });
      progress(`section C measured in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (err) {
      lifecycleError = errorMessage(err);
      progress(`lifecycle bench failed: ${lifecycleError}`);
    } finally {
      await services.stop();
    }
    if (lifecycle) printLifecycle(lifecycle);
    else console.log(`\nC. Full lifecycle vs engine floor: FAILED: ${lifecycleError}`);
  }

  let legacyErp: LegacyErpResult | null = null;
  let legacyErpError: string | null = null;
  if (runs('legacy-erp')) {
    progress('section E: starting its own Temporal dev server and redis-server');
    const services = await startBenchServices(logger);
    try {
      const hubLogger = createLogger({ level: legacyErpOpts.hubLogLevel, name: 'zhongshu' }, pino.destination({ dest: path.join(services.dataDir, 'hub-legacy-erp.log'), sync: true }));
      legacyErp = await runLegacyErpBench(legacyErpOpts, { temporalAddress: services.temporalAddress, redisUrl: services.redisUrl, logger, hubLogger, progress });
    } catch (err) {
      legacyErpError = errorMessage(err);
      progress(`legacy-erp bench failed: ${legacyErpError}`);
    } finally {
      await services.stop();
    }
    if (legacyErp) printLegacyErp(legacyErp);
    else console.log(`\nE. Legacy ERP over ODBC: FAILED: ${legacyErpError}`);
  }

  let load: LoadResult | null = null;
  let loadError: string | null = null;
  if (runs('load')) {
    progress('section G: starting its own Temporal dev server and redis-server');
    const services = await startBenchServices(logger);
    try {
      const hubLogger = createLogger({ level: loadOpts.hubLogLevel, name: 'zhongshu' }, pino.destination({ dest: path.join(services.dataDir, 'hub-load.log'), sync: true }));
      load = await runLoadBench(loadOpts, { temporalAddress: services.temporalAddress, redisUrl: services.redisUrl, logger, hubLogger, progress });
    } catch (err) {
      loadError = errorMessage(err);
      progress(`load bench failed: ${loadError}`);
    } finally {
      await services.stop();
    }
    if (load) printLoad(load);
    else console.log(`\nG. Sustained load: FAILED: ${loadError}`);
  }

  let sqlite: SqliteResult | null = null;
  if (runs('sqlite')) {
    progress('section H: SQLite settings, a fresh Temporal dev server per setting and round');
    sqlite = await runSqliteBench(sqliteOpts, { logger, progress });
    printSqlite(sqlite);
  }

  let scale: ScaleOutcome | null = null;
  let scaleError: string | null = null;
  if (runs('scale')) {
    progress('section J: the hub as processes on the Temporal cluster (1 and 2 workers) and on the dev server');
    try {
      scale = await runScaleBench(scaleOpts, { logger, progress, loadavg: () => loadavg()[0] ?? Number.NaN });
    } catch (err) {
      scaleError = errorMessage(err);
      progress(`scale bench failed: ${scaleError}`);
    }
    if (scale) printScale(scale);
    else console.log(`\nJ. Scale: FAILED: ${scaleError}`);
  }

  let mapping: MappingResult | null = null;
  if (runs('mapping')) {
    progress('mapping bench');
    mapping = await runMappingBench(mappingOpts, progress);
    printMapping(mapping, mappingOpts);
  }

  let resilience: ResilienceResult | null = null;
  if (runs('resilience')) {
    progress('section D: resilience layers (own redis-server)');
    resilience = await runResilienceBench(resilienceOpts, { logger, progress });
    printResilience(resilience);
  }

  let finance: FinanceResult | null = null;
  if (runs('finance')) {
    finance = await runFinanceBench(financeOpts, progress);
    printFinance(finance);
  }

  let historicalImport: ImportBenchResult | null = null;
  if (runs('import')) {
    historicalImport = await runImportBench(importOpts, { logger, progress });
    printImport(historicalImport);
  }

  const out = path.join(packageRoot(), '.bench', 'results.json');
  await mkdir(path.dirname(out), { recursive: true });
  const summary = {
    at: new Date().toISOString(),
    durationS: (Date.now() - started) / 1000,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', node: process.version, platform: process.platform },
    engine: engine ?? (engineError ? { error: engineError } : null),
    mapping: mapping ? { options: mappingOpts, ...mapping } : null,
    lifecycle: lifecycle ?? (lifecycleError ? { error: lifecycleError } : null),
    resilience,
    legacyErp: legacyErp ?? (legacyErpError ? { error: legacyErpError } : null),
    finance,
    import: historicalImport,
    load: load ?? (loadError ? { error: loadError } : null),
    sqlite,
    scale: scale ? (scale.ran ? scale.result : { skipped: scale.skipped }) : scaleError ? { error: scaleError } : null,
  };
  await writeFile(out, JSON.stringify(summary, null, 2) + '\n');
  console.log(`\nSummary written to ${path.relative(process.cwd(), out)} (${summary.durationS.toFixed(0)} s)`);
  return engineError || lifecycleError || legacyErpError || loadError || scaleError ? 1 : 0;
}

// Exit explicitly: a leftover gRPC or Redis handle must not keep a finished bench alive. The
// 'exit' handler in services.ts then makes sure no child process outlives us.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
