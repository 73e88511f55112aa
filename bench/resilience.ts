// Section D (issue 7): what the resilience layers cost on the hot path. The same trivial adapter
// action is called bare and through each layer set, interleaved in rounds within one run, against
// a real redis-server (the last-known-good refresh and the rate-limit script are Redis round trips).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startEmbeddedRedis } from '../src/embedded/services.js';
import type { Logger } from '../src/logger.js';
import { Breakers, LastKnownGood, RateLimiter, guardCall, type ResilienceLayers } from '../src/resilience/index.js';
import { freePort, onCleanup } from './services.js';

export interface ResilienceOptions {
  /** Measuring time per variant and round. */
  budgetMs: number;
  rounds: number;
  concurrency: number;
}

export interface ResilienceRow {
  variant: string;
  rate: number;
  perRound: number[];
  /** rate / the bare rate of the same answer time. */
  ratio: number;
  /** Added process time per call against bare, in microseconds (1/rate - 1/bare rate). */
  overheadUs: number;
}

export interface ResilienceResult {
  options: ResilienceOptions;
  rows: ResilienceRow[];
}

type Call = () => Promise<unknown>;

async function measure(call: Call, budgetMs: number, concurrency: number): Promise<number> {
  let done = 0;
  const end = performance.now() + budgetMs;
  const lane = async () => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, lane));
  return done / ((performance.now() - t0) / 1000);
}

export async function runResilienceBench(opts: ResilienceOptions, deps: { logger: Logger; progress: (m: string) => void }): Promise<ResilienceResult> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-bench-res-'));
  const port = await freePort();
  const server = await startEmbeddedRedis({ dataDir, port, logger: deps.logger });
  const redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  const close = onCleanup(async () => {
    redis.disconnect();
    await server.process.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  try {
    const logger = deps.logger;
    const breakers = new Breakers({ config: { defaults: { timeout: 5_000 } }, logger });
    const lkg = new LastKnownGood({ redis, logger, keyPrefix: 'bench:' });
    // A quota far above what the bench reaches: the script runs every call, nobody ever waits.
    const limiter = new RateLimiter({ redis, logger, keyPrefix: 'bench:', connectors: [{ id: 'shop', adapter: 'taobao', config: { appKey: 'bench', sellerNick: 'bench' } }], config: { adapters: { taobao: { perApp: { perSecond: 1e9, burst: 1e9 }, perShop: { perSecond: 1e9, burst: 1e9 } } } } });
    // What an adapter answers instantly: the worst case for relative overhead (a real call is a network round trip).
    const stockRows = [{ sku: 'A', onHand: 3 }, { sku: 'B', onHand: 7 }];
    const action = async (_signal: AbortSignal) => stockRows;
    const query = { skus: ['A', 'B'], warehouse: 'WH1' };
    const via = (layers: ResilienceLayers, capability: string): Call => () => guardCall(layers, { connector: 'shop', capability }, query, undefined, action);
    const variants: { name: string; call: Call }[] = [
      { name: 'bare adapter call', call: () => action(new AbortController().signal) },
      { name: 'breaker (write: waybill.create)', call: via({ breakers, lkg: null }, 'waybill.create') },
      { name: 'breaker + last-known-good (read: stock.query)', call: via({ breakers, lkg }, 'stock.query') },
      { name: 'breaker + rate limit (write)', call: via({ breakers, lkg: null, limiter }, 'waybill.create') },
      { name: 'breaker + lkg + rate limit (read)', call: via({ breakers, lkg, limiter }, 'stock.query') },
    ];
    // The same with a 1 ms answer, closer to a real adapter call, to show the share in practice.
    const slow = async (_signal: AbortSignal) => {
      await new Promise((r) => setTimeout(r, 1));
      return stockRows;
    };
    variants.push(
      { name: 'bare call, 1 ms answer', call: () => slow(new AbortController().signal) },
      { name: 'all layers (read), 1 ms answer', call: () => guardCall({ breakers, lkg, limiter }, { connector: 'shop', capability: 'stock.query' }, query, undefined, slow) },
    );
    const perRound = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (const v of variants) await measure(v.call, 100, opts.concurrency); // warm-up
    for (let r = 0; r < opts.rounds; r++) {
      deps.progress(`resilience round ${r + 1}/${opts.rounds}`);
      for (const v of variants) perRound.get(v.name)?.push(await measure(v.call, opts.budgetMs, opts.concurrency));
    }
    breakers.shutdown();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      options: opts,
      rows: variants.map((v) => {
        const baseline = mean(perRound.get(v.name.endsWith('1 ms answer') ? 'bare call, 1 ms answer' : 'bare adapter call') ?? []);
        const rounds = perRound.get(v.name) ?? [];
        const rate = mean(rounds);
        return { variant: v.name, rate, perRound: rounds, ratio: rate / baseline, overheadUs: 1e6 / rate - 1e6 / baseline };
      }),
    };
  } finally {
    await close();
  }
}
