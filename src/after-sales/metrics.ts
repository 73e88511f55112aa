import { Gauge, type Registry } from 'prom-client';
import { CASE_STATE } from '../../workflows/after-sales/constants.js';
import type { CaseSummary } from './schema.js';

/** Age buckets of open cases: the seeds' 2 h response target and the 48 h escalation. */
const AGE_BUCKETS = [
  { label: 'lt_2h', maxH: 2 },
  { label: '2h_24h', maxH: 24 },
  { label: '24h_48h', maxH: 48 },
  { label: 'gt_48h', maxH: Infinity },
] as const;

export function ageBucket(openedAt: string, now: number): string {
  const h = (now - Date.parse(openedAt)) / 3_600_000;
  return AGE_BUCKETS.find((b) => h < b.maxH)?.label ?? 'gt_48h';
}

/** Open cases per age bucket (every bucket listed, zeros included): the daily summary's line. */
export function openCasesByAge(cases: readonly CaseSummary[], now: number): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(AGE_BUCKETS.map((b) => [b.label, 0]));
  for (const c of cases) if (c.state !== CASE_STATE.CLOSED) out[ageBucket(c.openedAt, now)] = (out[ageBucket(c.openedAt, now)] ?? 0) + 1;
  return out;
}

/** Counts for the gauges, from the case read model at scrape time. */
export function caseCounts(cases: readonly CaseSummary[], slaHours: number, now: number) {
  const open = new Map<string, { state: string; age: string; n: number }>();
  let breached = 0;
  let escalations = 0;
  for (const c of cases) {
    escalations += c.escalations.length;
    if (c.state === CASE_STATE.CLOSED) continue;
    const age = ageBucket(c.openedAt, now);
    const k = `${c.state}|${age}`;
    const cur = open.get(k) ?? { state: c.state, age, n: 0 };
    cur.n++;
    open.set(k, cur);
    if (now - Date.parse(c.lastProgressAt) > slaHours * 3_600_000) breached++;
  }
  return { open: [...open.values()], breached, escalations };
}

/**
 * Gauges read from the case store when Prometheus scrapes: open cases by state and age, cases past
 * their SLA now, and escalations so far. A store that cannot be read leaves the last values.
 */
export function registerCaseMetrics(
  registry: Registry,
  all: () => Promise<CaseSummary[]>,
  slaHours: number,
  now: () => number = Date.now,
): void {
  let counts: ReturnType<typeof caseCounts> | null = null;
  let inflight: Promise<void> | null = null;
  // The three gauges are collected together: one read of the store serves the whole scrape.
  const refresh = () =>
    (inflight ??= all()
      .then((cases) => {
        counts = caseCounts(cases, slaHours, now());
      })
      .catch(() => {
        // Redis down: the scrape still answers; the gauges keep their last values.
      })
      .finally(() => {
        inflight = null;
      }));
  new Gauge({
    name: 'zhongshu_after_sales_open_cases',
    help: 'Open after-sales cases by state and age since opened (lt_2h, 2h_24h, 24h_48h, gt_48h)',
    labelNames: ['state', 'age'] as const,
    registers: [registry],
    async collect() {
      await refresh();
      this.reset();
      for (const o of counts?.open ?? []) this.set({ state: o.state, age: o.age }, o.n);
    },
  });
  new Gauge({
    name: 'zhongshu_after_sales_sla_breached_cases',
    help: 'Open after-sales cases without progress for longer than afterSales.slaHours',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(counts?.breached ?? 0);
    },
  });
  new Gauge({
    name: 'zhongshu_after_sales_escalations',
    help: 'SLA escalations recorded on after-sales cases (each one notified the supervisor)',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(counts?.escalations ?? 0);
    },
  });
}
