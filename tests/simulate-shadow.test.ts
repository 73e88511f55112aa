import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { simulateDay } from '../src/simulate/day.js';
import type { InvariantResult } from '../src/simulate/invariants.js';
import { SCENARIO } from '../src/simulate/plan.js';
import { formatReport } from '../src/simulate/report.js';
import { SHADOW_INVARIANT } from '../src/simulate/shadow-check.js';
import { installTemporalLogger } from '../src/temporal/runtime-logger.js';

/**
 * A shop day with one channel in shadow mode (双轨运行) beside four live ones, every sandbox real
 * over HTTP, the hub real on Temporal, Redis and PostgreSQL. Taobao is the shadow platform: it
 * plays the most scenarios (refunds before and after the push and after pickup, address changes,
 * cancels, the hot SKU), so every script's shadow path runs. Its orders must reach no sandbox and
 * leave every write in the recorder, and the live channels' invariants must hold beside them.
 */
beforeAll(() => {
  installTemporalLogger(createLogger({ level: process.env['TEST_LOG_LEVEL'] ?? 'error', name: 'temporal-sdk' }));
});

describe('zhongshu simulate --shadow', () => {
  it('a day with the Taobao channel in shadow records every write of its orders, calls no real system for them, and breaks no invariant', async () => {
    const report = await simulateDay({
      temporalAddress: inject('temporalAddress'),
      workflowBundle: { codePath: inject('workflowBundlePath') },
      logLevel: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      progress: (line: string) => process.stderr.write(`[simulate --shadow] ${line}\n`),
      seed: 11,
      orders: 60,
      speed: 180,
      faults: false,
      shadow: 'taobao',
      drainTimeoutMs: 90_000,
    });
    // The day's figures in the CI log, as the report prints them.
    process.stderr.write(formatReport(report));
    expect(report.shadow).toBe('taobao');
    for (const s of [SCENARIO.REFUND_AFTER_PUSH, SCENARIO.REFUND_AFTER_PICKUP, SCENARIO.ADDRESS_CHANGE]) expect(report.scenarios[s], s).toBeGreaterThan(0);
    const byId = new Map<string, InvariantResult>(report.invariants.map((i) => [i.id, i]));
    for (const id of Object.keys(SHADOW_INVARIANT)) expect(byId.get(id)?.checked, id).toBeGreaterThan(0);
    // The live channels still ship for real: their invariants are checked on them. Refunds after
    // pickup are Taobao's only: their after-sales cases open for shadow orders too (not a write).
    for (const id of ['SHIP_ONE_WAYBILL', 'SHIP_ONE_WMS_TRADE', 'SHIP_ONE_CONFIRMATION', 'WORKFLOWS_SETTLED', 'STOCK_BALANCE', 'AFTER_SALES_CASE', 'STORE_AGREES']) expect(byId.get(id)?.checked, id).toBeGreaterThan(0);
    expect(report.invariants.filter((i) => i.violated > 0), report.notes.join('\n')).toEqual([]);
    expect(report.violations).toBe(0);
    expect(report.notes.find((n) => n.startsWith('shadow sim-taobao:'))).toMatch(/waybill\.create \d+.*wms\.order\.push \d+/);
  }, 420_000);
});
