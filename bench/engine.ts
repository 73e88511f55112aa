// Section A (issue 2, walking skeleton): how close does the hub get to what Temporal alone can do?
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { signShopifyBody } from '../adapters/shopify/webhook.js';
import { parseConfig } from '../src/config/load.js';
import { createHub, type Hub } from '../src/hub.js';
import type { Logger } from '../src/logger.js';
import { discoverFixtures } from '../src/mapping/fixtures.js';
import { packageRoot } from '../src/util/package-info.js';
import { workflowBundles } from './bundles.js';
import { ratePerSecond, summarize, type Summary } from '../src/util/stats.js';
import { runPool } from './pool.js';
import { FLOOR_ACTIVITY_COUNT, type benchFloor, type FloorActivities } from './workflows.js';

export interface EngineOptions {
  /** Workflows per round and side. */
  n: number;
  /** In-flight workflows per side (start/webhook, then wait for completion). */
  concurrency: number;
  rounds: number;
  warmup: number;
  /** Also drive the hub over a real loopback HTTP server, to show the socket cost. */
  http: boolean;
  /** Hub log level; the hub logs each accepted order at info, which is part of its real cost. */
  hubLogLevel: string;
}

export type SideName = 'floor' | 'hub' | 'hub-http';

export interface SideResult {
  side: SideName;
  rounds: { n: number; ms: number; rate: number }[];
  /** Completed workflows per second over all rounds (total n / total wall time). */
  rate: number;
  /** Time until Temporal accepted the start (floor) or the webhook answered 200 (hub), ms. */
  answer: Summary;
  /** Start/webhook sent until the workflow completed, ms. */
  endToEnd: Summary;
}

export interface EngineResult {
  activityCount: number;
  options: EngineOptions;
  sides: SideResult[];
  ratio: number;
  ratioHttp: number | null;
  target: number;
  pass: boolean;
}

const FLOOR_TASK_QUEUE = 'bench-floor';
const HUB_TASK_QUEUE = 'bench-hub';
export const SECRET = 'bench-shopify-secret';
export const SHOP = 'zhongshu-bench.myshopify.com';
const TARGET = 0.9;

interface Request {
  url: string;
  init: { method: string; body: string; headers: Record<string, string> };
}

/** The documented Shopify sample (first shopify fixture) as raw text, ready to get a fresh order id. */
async function shopifySample(mappingsDir: string): Promise<{ mappingId: string; text: string }> {
  const fx = (await discoverFixtures(mappingsDir, 'shopify')).filter((f) => f.mappingId.startsWith('shopify/'));
  const first = fx[0];
  if (!first) throw new Error(`no Shopify fixture under ${mappingsDir}/shopify/__fixtures__: the hub bench needs one sample order`);
  const text = await readFile(first.inputFile, 'utf8');
  if (!/"id":\s*\d+/.test(text)) throw new Error(`${first.inputFile}: no top-level numeric "id" to replace`);
  return { mappingId: first.mappingId, text };
}

export function signedRequest(sample: string, orderId: string): Request {
  // Replace only the first "id" (the order's; line ids come later in Shopify's field order), as text so it stays exact.
  const body = sample.replace(/"id":\s*\d+/, `"id": ${orderId}`);
  return {
    url: '/webhooks/shopify',
    init: {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': SHOP,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-api-version': '2025-10',
        'x-shopify-hmac-sha256': signShopifyBody(body, SECRET),
      },
    },
  };
}

export function workflowIdOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'workflowId' in body && typeof body.workflowId === 'string') return body.workflowId;
  throw new Error(`webhook answer has no workflowId: ${JSON.stringify(body).slice(0, 200)}`);
}

let orderSeq = 0;
/** 19-digit ids beyond 2^53 like real Shopify ids, unique within this run. */
export function nextOrderId(): string {
  orderSeq++;
  return `${Date.now()}${String(orderSeq).padStart(6, '0')}`;
}

export async function runEngineBench(o: EngineOptions, env: { temporalAddress: string; redisUrl: string; logger: Logger; hubLogger: Logger; progress: (msg: string) => void }): Promise<EngineResult> {
  const mappingsDir = path.join(packageRoot(), 'mappings');
  const sample = await shopifySample(mappingsDir);

  env.progress('bundling workflows (hub and floor bundles, each once per run, before any timing)');
  const { hub: hubBundle, floor: floorBundle } = await workflowBundles();

  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });

  // The floor worker gets exactly the options the hub gives its worker (src/hub.ts: defaults,
  // its own NativeConnection), so any difference is the hub's own work.
  const floorConnection = await NativeConnection.connect({ address: env.temporalAddress });
  const activities: FloorActivities = { async noop() {} };
  const floorWorker = await Worker.create({ connection: floorConnection, namespace: 'default', taskQueue: FLOOR_TASK_QUEUE, workflowBundle: { code: floorBundle.code }, activities });
  const floorRunning = floorWorker.run();

  const cfg = parseConfig(
    {
      temporal: { address: env.temporalAddress, taskQueue: HUB_TASK_QUEUE },
      redis: { url: env.redisUrl, keyPrefix: 'bench:' },
      mappings: { dir: mappingsDir },
      channels: [{ id: 'shopify-bench', adapter: 'shopify', shop: SHOP, secret: '${BENCH_SHOPIFY_SECRET}', mapping: sample.mappingId, currency: 'USD' }],
      log: { level: o.hubLogLevel },
    },
    { BENCH_SHOPIFY_SECRET: SECRET },
  );
  if (!cfg.ok) throw new Error(`bench hub config invalid: ${JSON.stringify(cfg.problems)}`);
  const hub: Hub = await createHub(cfg.config, { logger: env.hubLogger, workflowBundle: { code: hubBundle.code } });
  await hub.start();

  let server: ReturnType<typeof serve> | null = null;
  let httpBase = '';
  if (o.http) {
    const started = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
      const s = serve({ fetch: hub.app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve({ server: s, port: info.port }));
    });
    server = started.server;
    httpBase = `http://127.0.0.1:${started.port}`;
  }

  const runSide = async (side: SideName, n: number, tag: string): Promise<{ ms: number; answer: number[]; e2e: number[] }> => {
    // Request bodies and signatures are built before the clock starts: that is the platform's work, not ours.
    const requests = side === 'floor' ? [] : Array.from({ length: n }, () => signedRequest(sample.text, nextOrderId()));
    const answer: number[] = [];
    const e2e: number[] = [];
    const t0 = performance.now();
    await runPool(n, o.concurrency, async (i) => {
      const s = performance.now();
      let workflowId: string;
      if (side === 'floor') {
        const h = await client.workflow.start<typeof benchFloor>('benchFloor', { taskQueue: FLOOR_TASK_QUEUE, workflowId: `floor-${tag}-${i}`, args: [] });
        answer.push(performance.now() - s);
        workflowId = h.workflowId;
      } else {
        const r = requests[i];
        if (!r) throw new Error(`no request ${i}`);
        const res = side === 'hub' ? await hub.app.request(r.url, r.init) : await fetch(httpBase + r.url, r.init);
        answer.push(performance.now() - s);
        const body: unknown = await res.json();
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        workflowId = workflowIdOf(body);
      }
      // Both sides wait the same way: the same client long-polls for the close event.
      await client.workflow.getHandle(workflowId).result();
      e2e.push(performance.now() - s);
    });
    return { ms: performance.now() - t0, answer, e2e };
  };

  const sidesInOrder: SideName[] = o.http ? ['floor', 'hub', 'hub-http'] : ['floor', 'hub'];
  const collected = new Map<SideName, { rounds: { n: number; ms: number; rate: number }[]; answer: number[]; e2e: number[] }>();
  try {
    if (o.warmup > 0) {
      env.progress(`warm-up: ${o.warmup} workflows per side (JIT, gRPC channels, worker caches, SQLite pages)`);
      for (const side of sidesInOrder) await runSide(side, o.warmup, 'warm');
    }
    // Sides alternate within each round, so drift on a noisy machine hits all of them alike.
    for (let r = 0; r < o.rounds; r++) {
      for (const side of sidesInOrder) {
        const res = await runSide(side, o.n, `r${r}`);
        const c = collected.get(side) ?? { rounds: [], answer: [], e2e: [] };
        c.rounds.push({ n: o.n, ms: res.ms, rate: ratePerSecond(o.n, res.ms) });
        c.answer.push(...res.answer);
        c.e2e.push(...res.e2e);
        collected.set(side, c);
        env.progress(`round ${r + 1}/${o.rounds} ${side.padEnd(8)} ${ratePerSecond(o.n, res.ms).toFixed(1)} workflows/s`);
      }
    }
  } finally {
    const srv = server;
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()));
    await hub.stop();
    floorWorker.shutdown();
    await floorRunning;
    await floorConnection.close();
    await connection.close();
  }

  const sides: SideResult[] = sidesInOrder.map((side) => {
    const c = collected.get(side) ?? { rounds: [], answer: [], e2e: [] };
    const n = c.rounds.reduce((a, x) => a + x.n, 0);
    const ms = c.rounds.reduce((a, x) => a + x.ms, 0);
    return { side, rounds: c.rounds, rate: ratePerSecond(n, ms), answer: summarize(c.answer), endToEnd: summarize(c.e2e) };
  });
  const rate = (s: SideName) => sides.find((x) => x.side === s)?.rate ?? 0;
  const ratio = rate('floor') > 0 ? rate('hub') / rate('floor') : 0;
  const ratioHttp = o.http && rate('floor') > 0 ? rate('hub-http') / rate('floor') : null;
  return { activityCount: FLOOR_ACTIVITY_COUNT, options: o, sides, ratio, ratioHttp, target: TARGET, pass: ratio >= TARGET };
}
