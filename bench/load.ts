// Section G (issue 19): sustained load. Signed Shopify webhooks arrive at a fixed rate for a fixed
// time (open loop: an arrival never waits for an earlier one), through the same lifecycle hub as
// section C (record, rules, stock lock, SF waybill, Wangdiantong push against the sandboxes).
// Accepted = webhook answered 200; completed = the WDT sandbox recorded the order's trade, the
// hub's whole job up to the warehouse. The rate is stepped up until completion stops keeping up.
import { readFileSync, readdirSync } from 'node:fs';
import { createHub, type Hub } from '../src/hub.js';
import { InventoryPool } from '../src/inventory/pool.js';
import type { Logger } from '../src/logger.js';
import { workflowBundles } from './bundles.js';
import { nextOrderId, signedRequest } from './engine.js';
import { benchOrderText, lifecycleHubConfig, ON_HAND, SKU_RENAMES, startBackOffice, WAREHOUSE } from './lifecycle.js';
import { onCleanup } from './services.js';

export interface LoadOptions {
  /** Arrival rates to step through, orders/s, lowest first. */
  rates: number[];
  /** How long each rate is offered, s. */
  durationS: number;
  /** After each step: how long to wait for the backlog to drain before the next, s. */
  drainS: number;
  sfLatencyMs: number;
  wdtLatencyMs: number;
  hubLogLevel: string;
}

export interface LoadStep {
  rate: number;
  offered: number;
  accepted: number;
  rejected: number;
  acceptedPerS: number;
  /** Trades recorded at the WMS within the window, per second of the window. */
  completedPerS: number;
  /** Accepted but not yet at the WMS when the arrivals stopped. */
  backlogAtEnd: number;
  /** Seconds after the window until the backlog was gone (null: not within drainS). */
  drainedAfterS: number | null;
  /** Completion kept up: what was still on its way when arrivals stopped reached the WMS within KEEP_UP_DRAIN_S (orders in flight, not a growing queue). */
  keptUp: boolean;
  /** Peak resident memory of the bench process (hub, sandboxes, load generator) + temporal + redis-server, sampled every 250 ms. */
  peakRssMb: number;
}

export { KEEP_UP_DRAIN_S };

export interface LoadResult {
  options: LoadOptions;
  steps: LoadStep[];
  /** The highest stepped rate that kept up; null when even the first did not. */
  sustainedRate: number | null;
}

const TASK_QUEUE = 'bench-load-hub';
/**
 * At the end of a window some orders are always on their way (rate x paid-to-WMS latency); a
 * queue that grew because completion fell behind takes longer than this to clear.
 */
const KEEP_UP_DRAIN_S = 10;
const PAGE_KB = 4;

/** Resident memory (bytes) of pid and all its descendants, read from /proc (Linux). */
function treeRssBytes(root: number): number {
  const parents = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(rest[1]);
      const pages = Number(rest[21]);
      const pid = Number(e);
      rss.set(pid, pages * PAGE_KB * 1024);
      parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() ?? 0;
    total += rss.get(pid) ?? 0;
    stack.push(...(parents.get(pid) ?? []));
  }
  return total;
}

export async function runLoadBench(o: LoadOptions, env: { temporalAddress: string; redisUrl: string; logger: Logger; hubLogger: Logger; progress: (msg: string) => void }): Promise<LoadResult> {
  const orderText = await benchOrderText();
  const { hub: hubBundle } = await workflowBundles();
  const { sf, closeSf, wdt, closeWdt, trades } = await startBackOffice(o);
  const { cfg, secrets } = lifecycleHubConfig({ temporalAddress: env.temporalAddress, redisUrl: env.redisUrl, taskQueue: TASK_QUEUE, keyPrefix: 'benchg:', logLevel: o.hubLogLevel }, sf, wdt);
  if (!cfg.ok) {
    await Promise.all([closeSf(), closeWdt()]);
    throw new Error(`section G hub config invalid: ${JSON.stringify(cfg.problems)}`);
  }
  let hub: Hub | null = null;
  const stopHub = onCleanup(async () => {
    await hub?.stop();
  });

  const steps: LoadStep[] = [];
  try {
    hub = await createHub(cfg.config, { logger: env.hubLogger, workflowBundle: hubBundle, env: secrets });
    await hub.start();
    const h = hub;
    const pool = new InventoryPool(h.redis, cfg.config.redis.keyPrefix);
    for (const [, sku] of SKU_RENAMES) await pool.setOnHand(WAREHOUSE, sku, ON_HAND);

    for (const rate of o.rates) {
      env.progress(`section G: ${rate} orders/s for ${o.durationS} s`);
      let peak = treeRssBytes(process.pid);
      const sampler = setInterval(() => {
        peak = Math.max(peak, treeRssBytes(process.pid));
      }, 250);
      const accepted = new Set<string>();
      let offered = 0;
      let rejected = 0;
      const inFlight: Promise<void>[] = [];
      const t0 = performance.now();
      const windowMs = o.durationS * 1000;
      // Arrival i is due at t0 + i/rate, whatever happened to the ones before it.
      for (let i = 0; ; i++) {
        // Compared as offsets: t0 + x - t0 may round below x and admit one arrival too many.
        if ((i * 1000) / rate >= windowMs) break;
        const due = t0 + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const id = nextOrderId();
        const req = signedRequest(orderText(), id);
        offered++;
        inFlight.push(
          Promise.resolve(h.app.request(req.url, req.init)).then(
            async (res) => {
              await res.arrayBuffer();
              if (res.status === 200) accepted.add(id);
              else rejected++;
            },
            () => {
              rejected++;
            },
          ),
        );
      }
      const windowEnd = performance.now();
      // Per second of the offered window: the last arrival is due just before its end.
      const elapsedS = o.durationS;
      // Webhooks still being answered at the end belong to this window's arrivals.
      await Promise.all(inFlight);
      const doneBy = (at: number) => [...accepted].filter((id) => { const t = trades.at(id); return t !== undefined && t <= at; }).length;
      const completedInWindow = doneBy(windowEnd);
      const backlogAtEnd = accepted.size - completedInWindow;
      let drainedAfterS: number | null = null;
      for (const deadline = performance.now() + o.drainS * 1000; performance.now() < deadline; ) {
        if (doneBy(Infinity) === accepted.size) {
          drainedAfterS = (performance.now() - windowEnd) / 1000;
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      clearInterval(sampler);
      peak = Math.max(peak, treeRssBytes(process.pid));
      const acceptedPerS = accepted.size / elapsedS;
      const completedPerS = completedInWindow / elapsedS;
      const keptUp = accepted.size > 0 && rejected === 0 && drainedAfterS !== null && drainedAfterS <= KEEP_UP_DRAIN_S;
      steps.push({ rate, offered, accepted: accepted.size, rejected, acceptedPerS, completedPerS, backlogAtEnd, drainedAfterS, keptUp, peakRssMb: peak / 1024 / 1024 });
      env.progress(`section G: ${rate}/s offered -> ${acceptedPerS.toFixed(1)} accepted/s, ${completedPerS.toFixed(1)} completed/s, backlog ${backlogAtEnd}, ${keptUp ? 'kept up' : 'fell behind'}`);
      // A step that fell behind and did not drain would only pile onto the next one.
      if (!keptUp) break;
    }
  } finally {
    await stopHub();
    await closeSf();
    await closeWdt();
  }
  const kept = steps.filter((s) => s.keptUp);
  return { options: o, steps, sustainedRate: kept.length ? Math.max(...kept.map((s) => s.rate)) : null };
}
