import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startTestHub } from './support/hub.js';
import { build, CH, hostileCase, LIMITS, PII_MARKER, SECRETS, type HostileCase } from './support/hostile-cases.js';

// Issue 14: the seeded hostile-input suite against a running hub (real Temporal, real Redis,
// mapping worker threads). Requests go through app.request() in-process: a socket would add only
// the kernel. HOSTILE_SEED reproduces a run; HOSTILE_CASES sizes it (CI: the 10,000 default).

const SEED = Number(process.env['HOSTILE_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env['HOSTILE_CASES'] ?? 10_000);
const CONCURRENCY = 6;
const LOOP_BLOCK_LIMIT_MS = 100;

type Hub = Awaited<ReturnType<typeof startTestHub>>;
let hub: Hub;
let exited = false;
const markerLines: string[] = [];
let logLineCount = 0;
const onExit = () => {
  exited = true;
};

beforeAll(async () => {
  process.on('exit', onExit);
  hub = await startTestHub({
    // The HTTP role, as a split deployment runs it: the Temporal worker's own threads would
    // blur which CPU was the event loop's (workflows exist in Temporal without one).
    worker: false,
    logger: createLogger({ level: 'info' }, {
      write: (line: string) => {
        logLineCount++;
        if (line.includes(PII_MARKER) && markerLines.length < 5) markerLines.push(line.slice(0, 2000));
      },
    }),
    env: { WAREHOUSE_KEY: 'test-warehouse-key', FINANCE_KEY: 'test-finance-key', YZ_SECRET: SECRETS.youzan, DY_SECRET: SECRETS.douyin, ERP_SECRET: SECRETS.erp, ERP_KEY: SECRETS.erpKey, SF_TOKEN: SECRETS.sfToken, ERP_ODBC: inject('odbcConnectionString') },
    config: {
      server: { bodyLimitBytes: LIMITS.webhook, apiBodyLimitBytes: LIMITS.api },
      webhooks: { sfRoutePushToken: '${SF_TOKEN}' },
      auth: {
        apiKeys: [
          { name: 'admin', key: '${ADMIN_KEY}', roles: ['operations_lead'] },
          { name: 'cs', key: '${CS_KEY}', roles: ['customer_service'] },
          { name: 'engineer', key: '${ENGINEER_KEY}', roles: ['platform_engineer'] },
          { name: 'warehouse', key: '${WAREHOUSE_KEY}', roles: ['warehouse'] },
          { name: 'finance', key: '${FINANCE_KEY}', roles: ['finance'] },
        ],
      },
      connectors: [
        { id: 'yz', adapter: 'youzan', config: { clientId: SECRETS.youzanClient, clientSecret: '${YZ_SECRET}' } },
        // Nothing listens there: order tags that need a detail fetch answer 503 with Retry-After.
        { id: 'dy', adapter: 'douyin', config: { appKey: SECRETS.douyinKey, appSecret: '${DY_SECRET}', accessToken: '${DY_SECRET}', baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 } },
        { id: 'erp-signed', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', webhook: { secret: '${ERP_SECRET}' } } },
        { id: 'erp-keyed', adapter: 'legacy-erp', config: { connection: '${ERP_ODBC}', webhook: { apiKey: '${ERP_KEY}' } } },
      ],
      channels: [
        { id: CH.shopify, adapter: 'shopify', shop: 'zhongshu-test.myshopify.com', secret: '${TEST_SHOPIFY_SECRET}', mapping: 'shopify/order.v1', currency: 'USD' },
        { id: CH.youzan, adapter: 'youzan', shop: '12345', connector: 'yz', mapping: 'youzan/order.v1' },
        { id: CH.douyin, adapter: 'douyin', shop: '1', connector: 'dy', mapping: 'douyin/order.v2', poll: { enabled: false } },
        { id: CH.erp, adapter: 'legacy-erp', shop: 'SIGNED', connector: 'erp-signed', mapping: 'legacy-erp/order.v1', poll: { enabled: false } },
        { id: CH.erpKeyed, adapter: 'legacy-erp', shop: 'KEYED', connector: 'erp-keyed', mapping: 'legacy-erp/order.v1', poll: { enabled: false } },
      ],
    },
  });
});
afterAll(async () => {
  process.off('exit', onExit);
  await hub?.stop();
});

interface Outcome {
  index: number;
  c: HostileCase;
  status: number;
  problem?: string;
}

/** Workflow ids started on the hub's task queue, read in pages from Temporal's visibility store. */
async function workflowIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const w of hub.client.workflow.list({ query: `TaskQueue = '${hub.taskQueue}'`, pageSize: 1000 })) ids.add(w.workflowId);
  return ids;
}

/** Every quarantine entry's id and delivery id, read with batched MGETs. */
async function quarantined(): Promise<{ ids: Set<string>; deliveries: Set<string> }> {
  const ids = await hub.redis.zrange(`${hub.prefix}quarantine:index`, 0, -1);
  const deliveries = new Set<string>();
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const vals = await hub.redis.mget(batch.map((id) => `${hub.prefix}quarantine:entry:${id}`));
    vals.forEach((v, j) => {
      if (!v) return;
      found.add(batch[j] ?? '');
      const d: unknown = JSON.parse(v);
      if (typeof d === 'object' && d !== null && 'deliveryId' in d && typeof d.deliveryId === 'string') deliveries.add(d.deliveryId);
    });
  }
  return { ids: found, deliveries };
}

describe(`hostile input against a running hub (seed ${SEED}, ${CASES} cases)`, () => {
  it('never answers 5xx (but 503 with Retry-After), never blocks the loop, never loses a 2xx or a 422, never logs buyer data', async () => {
    console.log(`hostile suite: seed ${SEED} (HOSTILE_SEED=${SEED} reproduces), ${CASES} cases`);
    const t0 = performance.now();
    const cases = fc.sample(hostileCase, { seed: SEED, numRuns: CASES });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    // Which cases were in flight when a tick came late: the report names them, so a stall can
    // be told from a loaded machine (which delays every tick, whatever runs).
    // A tick late by more than the limit is a block only if this process also burned that much
    // CPU in the meantime: on a machine running far more threads than cores (load 30 on two
    // cores here, where an idle node process sees 80 ms ticks) a late tick is mostly a wait for a
    // core. Process CPU bounds the main thread's from above, so this cannot miss a real block.
    // It also counts the mapping pool's threads and Temporal's core threads, though (CI saw 101 ms
    // of it in a 297 ms late tick at load 12 while the loop waited): the loop's own active time
    // (event-loop utilisation, wall time outside the poll) is a second upper bound of the main
    // thread's CPU, so a block must show in both.
    const inFlight = new Set<number>();
    const stalls: { lateMs: number; cpuMs: number; activeMs: number; cases: number[] }[] = [];
    let lastTick = performance.now();
    let lastCpu = process.cpuUsage();
    let lastElu = performance.eventLoopUtilization();
    const watchdog = setInterval(() => {
      const now = performance.now();
      const cpu = process.cpuUsage(lastCpu);
      const elu = performance.eventLoopUtilization(lastElu);
      const late = now - lastTick - 10;
      lastTick = now;
      lastCpu = process.cpuUsage();
      lastElu = performance.eventLoopUtilization();
      if (late > LOOP_BLOCK_LIMIT_MS / 2) stalls.push({ lateMs: Math.round(late), cpuMs: Math.round((cpu.user + cpu.system) / 1000), activeMs: Math.round(elu.active), cases: [...inFlight] });
    }, 10);

    const failures: Outcome[] = [];
    const expectWorkflow: { index: number; workflowId: string; orDelivery: string | null }[] = [];
    const expectQuarantine: { index: number; id: string }[] = [];
    const statuses = new Map<string, number>();
    let next = 0;
    const run = async (): Promise<void> => {
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i];
        if (!c) continue;
        inFlight.add(i);
        const req = build(c);
        let status = 0;
        try {
          const res = await hub.app.request(req.path, req.init);
          status = res.status;
          const text = await res.text();
          statuses.set(`${c.route} ${status}`, (statuses.get(`${c.route} ${status}`) ?? 0) + 1);
          if (status >= 500 && !(status === 503 && res.headers.get('retry-after'))) failures.push({ index: i, c, status, problem: text.slice(0, 300) });
          if (status >= 200 && status < 300 && req.path.startsWith('/webhooks/')) {
            const body: unknown = text ? JSON.parse(text) : null;
            const named = typeof body === 'object' && body !== null && 'workflowId' in body && typeof body.workflowId === 'string' ? body.workflowId : typeof body === 'object' && body !== null && 'orderKey' in body && typeof body.orderKey === 'string' ? `order:${body.orderKey}` : null;
            if (named) expectWorkflow.push({ index: i, workflowId: named, orDelivery: null });
            else if (req.expectOrder && c.route === 'youzan' && c.env !== 'replay') expectWorkflow.push({ index: i, workflowId: req.expectOrder.workflowId, orDelivery: req.expectOrder.deliveryId });
          }
          if (status === 422) {
            const body: unknown = JSON.parse(text);
            const details = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null && 'details' in body.error ? body.error.details : null;
            const qid = typeof details === 'object' && details !== null && 'quarantineId' in details && typeof details.quarantineId === 'string' ? details.quarantineId : null;
            const code = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null && 'code' in body.error ? body.error.code : null;
            // A 422 for a payload that failed mapping names its quarantine entry; other 422s
            // (an unsupported topic, a malformed envelope) were never accepted for mapping.
            if (code === 'mapping_failed' && req.path.startsWith('/webhooks/')) {
              if (qid) expectQuarantine.push({ index: i, id: qid });
              else failures.push({ index: i, c, status, problem: 'mapping_failed without a quarantine id' });
            }
          }
        } catch (err) {
          failures.push({ index: i, c, status, problem: `threw: ${String(err)}` });
        }
        inFlight.delete(i);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, run));
    loop.disable();
    clearInterval(watchdog);
    const sentMs = performance.now() - t0;

    // Every 2xx is a workflow and every 422 a kept entry: read back in batches (visibility is
    // eventually consistent, so a few reads).
    let missingWorkflows = expectWorkflow;
    let missingQuarantine = expectQuarantine;
    for (let attempt = 0; attempt < 30 && (missingWorkflows.length || missingQuarantine.length); attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 500));
      const [wf, q] = await Promise.all([workflowIds(), quarantined()]);
      missingWorkflows = missingWorkflows.filter((e) => !wf.has(e.workflowId) && !(e.orDelivery && q.deliveries.has(e.orDelivery)));
      missingQuarantine = missingQuarantine.filter((e) => !q.ids.has(e.id));
    }
    const health = await hub.app.request('/healthz');
    const totalMs = performance.now() - t0;
    console.log(
      `hostile suite: ${CASES} cases in ${Math.round(sentMs)} ms (+ checks: ${Math.round(totalMs)} ms total); ` +
        `${expectWorkflow.length} workflows and ${expectQuarantine.length} quarantine entries checked; ` +
        `loop delay max ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms; ${logLineCount} log lines; ` +
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    const worst = stalls.sort((a, b) => b.lateMs - a.lateMs).slice(0, 5);
    if (worst.length) console.log(`hostile suite: ${stalls.length} ticks late by > ${LOOP_BLOCK_LIMIT_MS / 2} ms; worst, with the cases in flight:\n${worst.map((w) => `  ${w.lateMs} ms late, ${w.cpuMs} ms process CPU, ${w.activeMs} ms loop active: ${w.cases.map((i) => JSON.stringify(cases[i]).slice(0, 160)).join('\n      ')}`).join('\n')}`);
    const seedNote = `(seed ${SEED}: rerun with HOSTILE_SEED=${SEED} HOSTILE_CASES=${CASES})`;
    const show = (o: { index: number }) => ({ ...o, case: JSON.stringify(cases[o.index]).slice(0, 400) });
    expect(failures.map(show), `5xx without Retry-After or a throw ${seedNote}`).toEqual([]);
    expect(missingWorkflows.map(show), `2xx without a workflow ${seedNote}`).toEqual([]);
    expect(missingQuarantine.map(show), `422 without a quarantine entry ${seedNote}`).toEqual([]);
    expect(markerLines, `buyer data in the log ${seedNote}`).toEqual([]);
    const blocks = stalls.filter((w) => w.lateMs >= LOOP_BLOCK_LIMIT_MS && w.cpuMs >= LOOP_BLOCK_LIMIT_MS && w.activeMs >= LOOP_BLOCK_LIMIT_MS).map((w) => ({ ...w, cases: w.cases.map((i) => JSON.stringify(cases[i]).slice(0, 300)) }));
    expect(blocks, `event loop blocked by work in the hub ${seedNote}`).toEqual([]);
    // On an unloaded machine the wall-clock figure itself is held to the limit.
    if (process.env['HOSTILE_STRICT_LOOP'] === '1') expect(loop.max / 1e6, `event loop delay ${seedNote}`).toBeLessThan(LOOP_BLOCK_LIMIT_MS);
    expect(Reflect.get({}, 'polluted'), `prototype polluted ${seedNote}`).toBeUndefined();
    expect(health.status).toBe(200);
    expect(exited).toBe(false);
    // The run really exercised the paths it claims to.
    expect(expectWorkflow.length).toBeGreaterThan(0);
    expect(expectQuarantine.length).toBeGreaterThan(0);
  }, 600_000);
});
