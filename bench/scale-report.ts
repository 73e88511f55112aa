// Section J (issue 19): the pure parts of the scale bench: its sides, the ratios between them,
// the reading printed beside the figures, and the worker counters it reads from /metrics.
import type { Summary } from '../src/util/stats.js';

/** The three topologies section J runs, in the order it runs them. */
export const SCALE_SIDE = { DEV: 'dev-1w', CLUSTER_1: 'cluster-1w', CLUSTER_2: 'cluster-2w' } as const;
export type ScaleSideName = (typeof SCALE_SIDE)[keyof typeof SCALE_SIDE];

export const SCALE_SIDE_LABEL: Readonly<Record<ScaleSideName, string>> = {
  [SCALE_SIDE.DEV]: 'dev server, 1 http + 1 worker process',
  [SCALE_SIDE.CLUSTER_1]: 'cluster, 1 http + 1 worker process',
  [SCALE_SIDE.CLUSTER_2]: 'cluster, 1 http + 2 worker processes',
};

export interface ScaleSide {
  side: ScaleSideName;
  /** Measured orders over all rounds. */
  orders: number;
  /** Summed over rounds: first webhook sent until the last order's trade reached the WMS sandbox, ms. */
  ms: number;
  /** Orders per second over all rounds (orders / summed round times), webhook to trade at the WMS. */
  rate: number;
  /** Orders per second of each round. */
  perRound: number[];
  /** Webhook answered (HTTP 200 from the http process), ms. */
  answer: Summary;
  /** Webhook answer until the WMS sandbox recorded the trade, ms. */
  paidToWms: Summary;
  /** WMS pushes each worker process made during the measured orders, summed over rounds (from its /metrics). */
  pushesPerWorker: number[];
}

export interface ScaleRatio {
  label: string;
  /** numerator/denominator of orders/s, paid-to-WMS p50 and p99; NaN when a figure is missing or zero. */
  rate: number;
  p50: number;
  p99: number;
}

/** a/b, NaN when either is not a finite number or b is not positive (a ratio that cannot be read). */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return Number.NaN;
  return a / b;
}

/** 2 workers against 1 on the cluster, and the cluster against the dev server (both 1 worker); a pair with a side missing is left out. */
export function scaleRatios(sides: readonly ScaleSide[]): ScaleRatio[] {
  const of = (name: ScaleSideName) => sides.find((s) => s.side === name);
  const pairs: [string, ScaleSideName, ScaleSideName][] = [
    ['cluster 2 workers / 1 worker', SCALE_SIDE.CLUSTER_2, SCALE_SIDE.CLUSTER_1],
    ['cluster / dev server (1 worker each)', SCALE_SIDE.CLUSTER_1, SCALE_SIDE.DEV],
  ];
  const out: ScaleRatio[] = [];
  for (const [label, num, den] of pairs) {
    const a = of(num);
    const b = of(den);
    if (!a || !b) continue;
    out.push({ label, rate: ratio(a.rate, b.rate), p50: ratio(a.paidToWms.p50, b.paidToWms.p50), p99: ratio(a.paidToWms.p99, b.paidToWms.p99) });
  }
  return out;
}

/** How the 2-worker figure can be read on this machine; said next to the table, not left to the reader. */
export function scaleReading(cpus: number, ratios: readonly ScaleRatio[]): string[] {
  const lines: string[] = [];
  if (cpus <= 2) {
    lines.push(
      `This machine has ${cpus} core${cpus === 1 ? '' : 's'}: the http process, the worker process(es), Temporal, PostgreSQL, Redis and this bench (load generator and SF/WDT sandboxes) all share them, so a second worker process cannot add CPU here.`,
      'It can only let the worker\'s JavaScript run on two cores at once (one Node process runs its workflow and activity code on one thread), cores the other processes want as well: a 2/1 ratio above 1 says one worker process was a bottleneck on this box, not how workers scale where each has cores of its own; below 1 it is the cost of two processes sharing the same cores.',
    );
  } else {
    lines.push(`This machine has ${cpus} cores, shared by every process of the run (hub processes, Temporal, PostgreSQL, Redis and this bench); a second worker can add CPU only while cores are idle.`);
  }
  const two = ratios.find((r) => r.label.startsWith('cluster 2 workers'));
  if (two && Number.isFinite(two.rate)) {
    const change = two.rate >= 1.05 ? 'more' : two.rate <= 0.95 ? 'fewer' : 'about as many';
    lines.push(`In this run 2 workers completed ${change} orders per second ${change === 'about as many' ? 'as' : 'than'} 1 (${two.rate.toFixed(3)}x).`);
  }
  return lines;
}

/**
 * Sum of a counter over the series of Prometheus text output whose labels include every pair of
 * `match` (other labels are free). 0 when no series matches: a counter with labels is absent
 * until its first increment.
 */
export function promCounterSum(text: string, metric: string, match: Readonly<Record<string, string>>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== metric) continue;
    const labels = new Map<string, string>();
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels.set(l[1] ?? '', l[2] ?? '');
    if (!Object.entries(match).every(([k, v]) => labels.get(k) === v)) continue;
    const value = Number(m[3]);
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}
