import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../logger.js';
import { MappingEngine } from '../mapping/engine.js';
import { defineAdapter } from '../sdk/define.js';
import { AdapterRegistry } from '../sdk/registry.js';
import type { AfterSalesCaseInput } from '../../workflows/after-sales/types.js';
import { createAfterSalesPullActivities, pullsAfterSales } from './pull.js';

const logger = createLogger({ level: 'silent' });
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const row = (id: number, status = 3) => ({ id, order_sn: '261205-000000000000001', after_sales_type: 3, after_sales_status: status, refund_amount: '5.00', sku_id: '88', goods_number: 1, updated_time: '2026-12-05 10:00:00' });
const calls: unknown[] = [];
let pages: Record<string, unknown> = {};

// Stands in for the PDD connector: the translation is looked up by adapter id.
const Pdd = defineAdapter({
  manifest: { id: 'pinduoduo', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'platform', displayName: 'PDD (test)', summary: 'aftersales.pull pages on demand (tests only).', capabilities: ['order.pull', 'aftersales.pull'] },
  configSchema: z.object({}).strict(),
  create: () => ({
    testConnection: async () => ({ ok: true }),
    close: async () => {},
    invoke: async (_c, input) => {
      calls.push(input);
      const p = z.object({ page: z.number().optional() }).parse(input).page;
      return pages[String(p ?? 'first')];
    },
  }),
});
const Plain = defineAdapter({ ...Pdd, manifest: { ...Pdd.manifest, id: 'plainshop', capabilities: ['order.pull'] } });

/** Record bodies a case already took, as intake's Redis keys would keep them. */
const taken = new Set<string>();
function build(open: (c: AfterSalesCaseInput) => Promise<{ caseKey: string; delivered: boolean }>) {
  taken.clear();
  const r = parseConfig({
    connectors: [{ id: 'pdd', adapter: 'pinduoduo' }, { id: 'plain', adapter: 'plainshop' }],
    channels: [
      { id: 'pdd-a', adapter: 'pinduoduo', shop: 'a', connector: 'pdd', mapping: 'pinduoduo/order.v1' },
      { id: 'plain-a', adapter: 'plainshop', shop: 'b', connector: 'plain', mapping: 'taobao/order.v1' },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, {});
  registry.register(Pdd);
  registry.register(Plain);
  registry.configure(r.config.connectors);
  const acts = createAfterSalesPullActivities({ channels: r.config.channels, registry, mappings: new MappingEngine({ dir: '.' }), cases: { open }, logger, seen: { seenDelivery: async (_c, _id, hash) => hash !== null && hash !== undefined && taken.has(hash), rememberDelivery: async (_c, _id, hash) => void (hash && taken.add(hash)) } });
  return { acts, registry, channels: r.config.channels, env: () => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet }) };
}
const window = { start: '2026-12-05T01:30:00.000Z', end: '2026-12-05T02:00:00.000Z' };
const rejected = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

describe('pullAfterSalesWindow', () => {
  it('reads every page the connector names and hands each record to its case; an unreadable one is counted, not opened', async () => {
    pages = { first: { refunds: [row(3), row(4, 10)], nextPage: 1 }, '1': { refunds: [row(1), { id: 2 }], nextPage: null } };
    calls.length = 0;
    const opened: AfterSalesCaseInput[] = [];
    const { acts, env } = build(async (c) => {
      opened.push(c);
      return { caseKey: c.caseKey, delivered: c.caseKey !== 'after-sales:pinduoduo:1' };
    });
    const res = await env().run(acts.pullAfterSalesWindow, { channel: 'pdd-a', window, idempotencyKey: 'wf:w' });
    expect(res).toEqual({ pages: 2, read: 4, delivered: 2, ended: 1, unreadable: 1, unchanged: 0 });
    expect(calls).toEqual([{ window }, { window, page: 1 }]);
    expect(opened.map((c) => [c.caseKey, c.orderKey, c.first.status])).toEqual([
      ['after-sales:pinduoduo:3', 'pdd-a:261205-000000000000001', 'requested'],
      ['after-sales:pinduoduo:4', 'pdd-a:261205-000000000000001', 'refunded'],
      ['after-sales:pinduoduo:1', 'pdd-a:261205-000000000000001', 'requested'],
    ]);
  });

  // Each poll reads its after-sales overlap again: on the 2,000-order day ~30 unchanged refunds per
  // Taobao poll went to their cases again (lookups, a signal and a workflow task each), every 15 s.
  it('hands a record its case already took, unchanged, to nobody; a changed one goes again', async () => {
    pages = { first: { refunds: [row(3), row(4, 10)], nextPage: null } };
    const opened: string[] = [];
    const { acts, env } = build(async (c) => {
      opened.push(`${c.caseKey} ${c.first.status}`);
      return { caseKey: c.caseKey, delivered: true };
    });
    await env().run(acts.pullAfterSalesWindow, { channel: 'pdd-a', window, idempotencyKey: 'wf:1' });
    pages = { first: { refunds: [row(3), row(4, 10), row(3, 10)], nextPage: null } };
    const again = await env().run(acts.pullAfterSalesWindow, { channel: 'pdd-a', window, idempotencyKey: 'wf:2' });
    expect(again).toEqual({ pages: 1, read: 3, delivered: 1, ended: 0, unreadable: 0, unchanged: 2 });
    expect(opened).toEqual(['after-sales:pinduoduo:3 requested', 'after-sales:pinduoduo:4 refunded', 'after-sales:pinduoduo:3 refunded']);
  });

  it('a case that cannot be reached fails the activity retryably (the window is read again); a bad answer does not retry', async () => {
    pages = { first: { refunds: [row(5)], nextPage: null } };
    const down = build(async () => {
      throw new Error('temporal unavailable');
    });
    const err = await rejected(down.env().run(down.acts.pullAfterSalesWindow, { channel: 'pdd-a', window, idempotencyKey: 'wf:w' }));
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(String(err)).toContain('case after-sales:pinduoduo:5 not reached');
    pages = { first: { rows: [] } };
    const ok = build(async (c) => ({ caseKey: c.caseKey, delivered: true }));
    expect(await rejected(ok.env().run(ok.acts.pullAfterSalesWindow, { channel: 'pdd-a', window, idempotencyKey: 'wf:w' }))).toMatchObject({ type: 'AdapterContractViolation', nonRetryable: true });
    pages = { first: { refunds: [], nextPage: 2 }, '2': { refunds: [], nextPage: 2 } };
    expect(await rejected(ok.env().run(ok.acts.pullAfterSalesWindow, { channel: 'pdd-a', window, idempotencyKey: 'wf:w' }))).toMatchObject({ type: 'AdapterContractViolation', nonRetryable: true, message: expect.stringContaining('page 2 as its own next page') });
  });

  it('only channels whose connector offers aftersales.pull and has a translation pull after-sales', () => {
    const { registry, channels } = build(async (c) => ({ caseKey: c.caseKey, delivered: true }));
    expect(channels.map((c) => pullsAfterSales(registry, c))).toEqual([true, false]);
  });
});
