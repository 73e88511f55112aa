import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { caseCounts, openCasesByAge, registerCaseMetrics } from './metrics.js';
import type { CaseSummary } from './schema.js';

const now = Date.parse('2026-12-05T12:00:00Z');
const c = (state: CaseSummary['state'], openedH: number, progressH: number, escalations = 0): CaseSummary => ({
  caseKey: `k-${state}-${openedH}`,
  caseNumber: null,
  type: 'refund_only',
  state,
  platform: 'douyin',
  channel: null,
  shop: null,
  platformCaseId: null,
  orderKey: null,
  amount: null,
  assignee: null,
  openedAt: new Date(now - openedH * 3_600_000).toISOString(),
  lastProgressAt: new Date(now - progressH * 3_600_000).toISOString(),
  escalations: Array.from({ length: escalations }, (_, i) => ({ n: i + 1, at: '', to: 'lead' })),
});

describe('case metrics', () => {
  const cases = [c('open', 1, 1), c('open', 30, 30), c('in_progress', 60, 50, 1), c('closed', 100, 90, 2)];
  it('counts open cases by state and age, SLA breaches now, and escalations so far', () => {
    const r = caseCounts(cases, 48, now);
    expect(r.open).toEqual(expect.arrayContaining([{ state: 'open', age: 'lt_2h', n: 1 }, { state: 'open', age: '24h_48h', n: 1 }, { state: 'in_progress', age: 'gt_48h', n: 1 }]));
    expect(r.open).toHaveLength(3);
    expect(r.breached).toBe(1);
    expect(r.escalations).toBe(3);
  });
  it('gives the daily summary the open cases per age, closed ones left out', () => {
    expect(openCasesByAge(cases, now)).toEqual({ lt_2h: 1, '2h_24h': 0, '24h_48h': 1, gt_48h: 1 });
  });
  it('exposes them as gauges read at scrape time', async () => {
    const registry = new Registry();
    registerCaseMetrics(registry, async () => cases, 48, () => now);
    const text = await registry.metrics();
    expect(text).toContain('zhongshu_after_sales_open_cases{state="in_progress",age="gt_48h"} 1');
    expect(text).toContain('zhongshu_after_sales_escalations 3');
    expect(text).toContain('zhongshu_after_sales_sla_breached_cases 1');
  });
});
