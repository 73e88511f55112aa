import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { simulateDay, type SimulateOptions } from '../src/simulate/day.js';
import { SCENARIO } from '../src/simulate/plan.js';
import { installTemporalLogger } from '../src/temporal/runtime-logger.js';

/**
 * The simulated shop day against the shared Temporal: every sandbox real over HTTP, the hub real
 * (its worker a child process the day SIGKILLs), the day's own redis-server (which it restarts),
 * faults on. A clean day must break no invariant and check every one on some orders;
 * a day with shipment confirmations switched off must fail, naming the confirmation invariant.
 */
const base = (): Pick<SimulateOptions, 'temporalAddress' | 'workflowBundle' | 'logLevel' | 'progress'> => ({
  temporalAddress: inject('temporalAddress'),
  workflowBundle: { codePath: inject('workflowBundlePath') },
  logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
  // Where a slow or stuck day is, in the CI log.
  progress: (line: string) => process.stderr.write(`[simulate] ${line}\n`),
});

beforeAll(() => {
  installTemporalLogger(createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'error', name: 'temporal-sdk' }));
});

describe('zhongshu simulate', () => {
  it('a seeded day with a WMS 504 storm, a platform 429 burst, a SIGKILLed worker and a Redis restart breaks no invariant', async () => {
    const report = await simulateDay({ ...base(), seed: 20261206, orders: 70, speed: 180, faults: true, drainTimeoutMs: 90_000 });
    expect(report.faults.map((f) => f.name)).toEqual(['wms-504-storm', 'platform-429-burst', 'worker-sigkill', 'redis-restart']);
    for (const s of [SCENARIO.STALE_COPY, SCENARIO.REMOTE_EMS]) expect(report.scenarios[s], s).toBeGreaterThan(0);
    // The day's notes (scripts that could not play their scenario, drain timeouts) explain a violation.
    expect(report.invariants.filter((i) => i.violated > 0), report.notes.join('\n')).toEqual([]);
    for (const i of report.invariants) expect(i.checked, i.id).toBeGreaterThan(0);
    // The month's reconciliation CSV, read back through the finance route, equals every platform's own books.
    const finance = report.invariants.find((i) => i.id === 'FINANCE_AGREES');
    expect(finance?.checked).toBeGreaterThan(0);
    expect(finance?.violated, JSON.stringify(finance?.examples)).toBe(0);
    expect(report.violations).toBe(0);
  }, 420_000);

  it('with shipment confirmations off the day fails naming the confirmation invariant, and a refund the hub never heard of fails FINANCE_AGREES', async () => {
    let refunded = '';
    // Once the day is over Youzan pays a trade back without telling the hub (no push): the
    // reconciliation cannot show that refund, and FINANCE_AGREES must say so.
    const beforeCheck: SimulateOptions['beforeCheck'] = (world) => {
      const trade = world.youzan.state().orders.find((t) => t.paid !== null);
      if (!trade) return;
      refunded = trade.tid;
      world.youzan.updateOrder(trade.tid, { refundState: 12 });
    };
    const report = await simulateDay({ ...base(), seed: 5, orders: 12, speed: 180, faults: false, shipmentConfirm: false, dayMs: 5_000, drainTimeoutMs: 60_000, beforeCheck });
    const confirm = report.invariants.find((i) => i.id === 'SHIP_ONE_CONFIRMATION');
    expect(confirm?.violated).toBeGreaterThan(0);
    expect(confirm?.examples[0]?.detail).toMatch(/0 confirmation\(s\) with live waybill/);
    const finance = report.invariants.find((i) => i.id === 'FINANCE_AGREES');
    expect(refunded).not.toBe('');
    expect(finance?.violated, JSON.stringify(finance?.examples)).toBe(1);
    expect(finance?.examples[0]?.detail).toMatch(new RegExp(`^refunds: hub 0 vs youzan \\d+ CNY minor units; 1 order\\(s\\) differ: sim-youzan:${refunded} hub 0 / platform \\d+$`));
    expect(report.violations).toBe((confirm?.violated ?? 0) + 1);
  }, 180_000);
});
