import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SANDBOX_FAULT } from '../../src/sandbox/core.js';
import { sandboxCtx, sandboxDeps } from '../../src/sandbox/testing.js';
import type { AdapterInstance } from '../../src/sdk/define.js';
import { kingdeeConfig } from './config.js';
import kingdee from './index.js';
import { sandbox, type KingdeeSandbox, type KingdeeSandboxOptions } from './sandbox.js';
import { sampleOrder } from './testing.js';

const MATERIALS = { 'ZP-2026-01': '1.01.001', 'FP-001': '1.02.009' };

let sb: KingdeeSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function setUp(opts: KingdeeSandboxOptions = {}, patch: Record<string, unknown> = {}): Promise<{ sb: KingdeeSandbox; adapter: AdapterInstance }> {
  sb = await sandbox.start({ materials: MATERIALS, ...opts });
  return { sb, adapter: await kingdee.create(kingdeeConfig.parse({ ...sb.connectorConfig(), ...patch }), sandboxDeps()) };
}

const order = sampleOrder();

describe('Kingdee sandbox, driven by the real adapter', () => {
  it('save, submit, audit one bill; a retry of the same step finds it audited and books nothing', async () => {
    const { sb, adapter } = await setUp();
    const first = await adapter.invoke('sales-order.push', { order }, sandboxCtx('wf-1_erp'));
    expect(first).toMatchObject({ outcome: 'created', steps: ['save', 'submit', 'audit'] });
    expect(await adapter.invoke('sales-order.push', { order }, sandboxCtx('wf-1_erp'))).toMatchObject({ outcome: 'already-audited', steps: [] });
    const st = sb.state();
    expect(st.bills.counts).toEqual({ A: 0, B: 0, C: 1 });
    expect(st.bills.list[0]).toMatchObject({ billNo: z.object({ billNo: z.string() }).parse(first).billNo, customer: 'CUST-ONLINE', note: 'hub order youzan-main:E1', saves: 1 });
    expect(st.bills.list[0]?.lines.map((l) => [l.material, l.qty, l.isFree])).toEqual([
      ['1.01.001', '1', false],
      ['1.02.009', '1', true],
    ]);
    expect(st.logins).toBe(1);
  });

  it('resumes a bill an earlier attempt left submitted: audit only', async () => {
    const { sb, adapter } = await setUp();
    sb.failNext('Audit', [{ Message: '审核流程未启动' }]);
    await expect(adapter.invoke('sales-order.push', { order }, sandboxCtx('wf-2_erp'))).rejects.toMatchObject({ code: 'kingdee_11', retryable: false });
    expect(sb.state().bills.counts).toEqual({ A: 0, B: 1, C: 0 });
    expect(await adapter.invoke('sales-order.push', { order }, sandboxCtx('wf-2_erp'))).toMatchObject({ outcome: 'audit-only', steps: ['audit'] });
    expect(sb.state().bills.counts).toEqual({ A: 0, B: 0, C: 1 });
  });

  it('a lost session is answered MsgCode 1; the adapter logs in again and repeats the call once', async () => {
    const { sb, adapter } = await setUp();
    await adapter.invoke('sales-order.push', { order }, sandboxCtx('wf-3_erp'));
    sb.expireSession(1);
    await adapter.invoke('sales-order.push', { order: sampleOrder({ source: { ...order.source, platformOrderId: 'E2' } }) }, sandboxCtx('wf-4_erp'));
    expect(sb.state().logins).toBe(2);
    expect(sb.log.count('session.lost')).toBe(1);
    expect(sb.state().bills.counts.C).toBe(2);
  });

  it('Save verifies base data: an unknown customer is refused with Kingdee’s message, nothing is booked', async () => {
    const { sb, adapter } = await setUp({}, { customerNumber: 'CUST-NOPE' });
    const err: unknown = await adapter.invoke('sales-order.push', { order }, sandboxCtx('wf-5_erp')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'kingdee_11', retryable: false });
    expect(String(err)).toContain('FCustId');
    expect(sb.state().bills.list).toEqual([]);
  });

  it('a wrong app secret is a refused login; BAD_SIGNATURE and a 5xx reach the adapter too', async () => {
    const { sb, adapter } = await setUp();
    const wrong = await kingdee.create(kingdeeConfig.parse({ ...sb.connectorConfig(), appSecret: 'nope' }), sandboxDeps());
    await expect(wrong.invoke('sales-order.push', { order }, sandboxCtx('x'))).rejects.toMatchObject({ code: 'login_refused', retryable: false });
    sb.server.setFaults({ mode: SANDBOX_FAULT.BAD_SIGNATURE, remaining: 1 });
    await expect(adapter.invoke('sales-order.push', { order }, sandboxCtx('x'))).rejects.toMatchObject({ code: 'login_refused' });
    sb.server.setFaults({ mode: SANDBOX_FAULT.SERVER_ERROR, remaining: 1 });
    await expect(adapter.invoke('sales-order.push', { order }, sandboxCtx('x'))).rejects.toMatchObject({ code: 'http_503', retryable: true });
    expect(await adapter.invoke('sales-order.push', { order }, sandboxCtx('x'))).toMatchObject({ outcome: 'created' });
  });
});
