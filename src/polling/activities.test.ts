import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config/load.js';
import { createMetrics } from '../http/metrics.js';
import { HttpError } from '../http/errors.js';
import { QuarantinedError, type Delivery } from '../intake/order-intake.js';
import { createLogger } from '../logger.js';
import { MappingEngine, MappingError } from '../mapping/engine.js';
import { defineAdapter } from '../sdk/define.js';
import { AdapterRegistry } from '../sdk/registry.js';
import { createPollingActivities } from './activities.js';

const logger = createLogger({ level: 'silent' });
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const pulls: unknown[] = [];
let page: unknown = { orders: [], nextPage: null };

const Shop = defineAdapter({
  manifest: { id: 'fakeshop', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'platform', displayName: 'Fake shop', summary: 'Pull pages on demand (tests only).', capabilities: ['order.pull'] },
  configSchema: z.object({}).strict(),
  create: () => ({
    testConnection: async () => ({ ok: true }),
    close: async () => {},
    invoke: async (_c, input) => {
      pulls.push(input);
      return page;
    },
  }),
});
/** What intake remembered as stored (delivery ids and body hashes), as its Redis keys would. */
const remembered = new Set<string>();
function build(intakeFn: (d: Delivery) => Promise<{ duplicate: boolean }>, cursor: Date | null = null) {
  remembered.clear();
  const r = parseConfig({
    connectors: [{ id: 'shop', adapter: 'fakeshop' }],
    channels: [{ id: 'shop-a', adapter: 'fakeshop', shop: 'a', connector: 'shop', mapping: 'taobao/order.v1', poll: { maxWindowsPerRun: 2 } }],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const registry = new AdapterRegistry({ logger, fetch, mappings: null, now: () => new Date() }, {});
  registry.register(Shop);
  registry.configure(r.config.connectors);
  const metrics = createMetrics();
  const acts = createPollingActivities({
    channels: r.config.channels,
    registry,
    mappings: new MappingEngine({ dir: '.' }),
    intake: {
      // As OrderIntake does: a stored delivery's body hash is remembered, a failed one is not.
      accept: async (d) => {
        const r = await intakeFn(d);
        if (d.bodyHash) remembered.add(d.bodyHash);
        return { orderKey: 'k', workflowId: 'w', ...r };
      },
      seenDelivery: async (_channel, _id, bodyHash) => bodyHash !== null && bodyHash !== undefined && remembered.has(bodyHash),
      rememberDelivery: async (_channel, _id, bodyHash) => void (bodyHash && remembered.add(bodyHash)),
    },
    cursors: {
      get: async () => cursor,
      advance: async (_c, to) => to,
      // The generic policy of a partner platform has no lookback limit: nothing is ever lost.
      recordLost: async () => {
        throw new Error('no lost range expected');
      },
    },
    metrics,
    logger,
    now: () => new Date('2026-06-01T12:00:00Z'),
  });
  const env = () => new MockActivityEnvironment({ attempt: 1 }, { logger: quiet });
  return { acts, metrics, env };
}

const window = { start: '2026-06-01T11:30:00.000Z', end: '2026-06-01T12:00:00.000Z' };
const rejected = async (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);

describe('pullPollPage', () => {
  it('hands every order to intake and counts started, duplicate and quarantined; asks for the page it was given', async () => {
    page = { orders: [{ n: 1 }, { n: 2 }, { n: 3 }], nextPage: 2, highWater: null };
    const outcomes = ['started', 'duplicate', 'quarantined'];
    const seen: Delivery[] = [];
    const { acts, metrics, env } = build(async (d) => {
      seen.push(d);
      const o = outcomes.shift();
      if (o === 'quarantined') throw new QuarantinedError(new MappingError('taobao/order.v1', undefined, 'validation', 'bad'), 'q-1');
      return { duplicate: o === 'duplicate' };
    });
    pulls.length = 0;
    const res = await env().run(acts.pullPollPage, { channel: 'shop-a', window, page: 3, idempotencyKey: 'wf:1' });
    expect(res).toEqual({ nextPage: 2, read: 3, started: 1, duplicates: 1, quarantined: 1 });
    expect(pulls).toEqual([{ window, page: 3 }]);
    expect(seen.map((d) => [d.kind, d.deliveryId, d.rawBody])).toEqual([['poll', null, '{"n":1}'], ['poll', null, '{"n":2}'], ['poll', null, '{"n":3}']]);
    const values = (await metrics.polledOrders.get()).values.map((v) => [v.labels['outcome'], v.value]);
    expect(values.sort()).toEqual([['duplicate', 1], ['quarantined', 1], ['started', 1]]);
    await env().run(acts.pullPollPage, { channel: 'shop-a', window, page: null, idempotencyKey: 'wf:2' });
    expect(pulls[1]).toEqual({ window });
  });

  // Each run re-reads the overlap (2 minutes on Taobao): on the 2,000-order day, polled every 2 s,
  // that was ~160 unchanged orders per run mapped and started again for nothing, and a payload
  // that failed mapping was put in quarantine again on every run.
  it('skips a copy it already stored, byte for byte, and quarantines a bad payload once', async () => {
    page = { orders: [{ n: 1 }, { n: 2, bad: true }], nextPage: null };
    const handed: string[] = [];
    const { acts, env } = build(async (d) => {
      handed.push(d.rawBody);
      if (d.rawBody.includes('bad')) throw new QuarantinedError(new MappingError('taobao/order.v1', undefined, 'validation', 'bad'), `q-${handed.length}`);
      return { duplicate: false };
    });
    const first = await env().run(acts.pullPollPage, { channel: 'shop-a', window, page: null, idempotencyKey: 'wf:1' });
    expect(first).toMatchObject({ read: 2, started: 1, quarantined: 1, duplicates: 0 });
    // The next run's overlap: the same two, and the first one paid since (a newer copy).
    page = { orders: [{ n: 1 }, { n: 2, bad: true }, { n: 1, paid: true }], nextPage: null };
    const again = await env().run(acts.pullPollPage, { channel: 'shop-a', window, page: null, idempotencyKey: 'wf:2' });
    expect(again).toMatchObject({ read: 3, started: 1, quarantined: 0, duplicates: 2 });
    expect(handed).toEqual(['{"n":1}', '{"n":2,"bad":true}', '{"n":1,"paid":true}']);
  });

  it('fails retryably when an order cannot be stored, so the whole page is read again', async () => {
    page = { orders: [{ n: 1 }], nextPage: null };
    const { acts, env } = build(async () => {
      throw new HttpError(503, 'temporal_unavailable', 'down');
    });
    const err = await rejected(env().run(acts.pullPollPage, { channel: 'shop-a', window, page: null, idempotencyKey: 'wf:1' }));
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(String(err)).toContain('the page is read again');
  });

  it('refuses, without retry, a connector answer that is not the order.pull shape, and an unknown channel', async () => {
    page = { items: [] };
    const { acts, env } = build(async () => ({ duplicate: false }));
    expect(await rejected(env().run(acts.pullPollPage, { channel: 'shop-a', window, page: null, idempotencyKey: 'wf:1' }))).toMatchObject({ type: 'AdapterContractViolation', nonRetryable: true });
    expect(await rejected(env().run(acts.planPoll, { channel: 'nope' }))).toMatchObject({ type: 'UnknownChannel', nonRetryable: true });
  });
});

describe('planPoll', () => {
  it('plans from the cursor with overlap, bounded per run', async () => {
    const { acts, env } = build(async () => ({ duplicate: false }), new Date('2026-06-01T10:00:00Z'));
    const plan = await env().run(acts.planPoll, { channel: 'shop-a' });
    expect(plan).toEqual({
      cursor: '2026-06-01T10:00:00.000Z',
      lost: null,
      more: true,
      afterSales: false,
      windows: [
        { start: '2026-06-01T09:58:00.000Z', end: '2026-06-01T10:28:00.000Z' },
        { start: '2026-06-01T10:28:00.000Z', end: '2026-06-01T10:58:00.000Z' },
      ],
    });
  });
});
