import type { Redis } from 'ioredis';

export interface StaleStock {
  sku: string;
  /** When the WMS last confirmed this SKU's on-hand figure. */
  fetchedAt: string;
  ageMs: number;
}

/**
 * Which SKUs' on-hand figures could not be confirmed by the WMS at the last stock sync (it was
 * down and the last-known-good answer was used). A lock against them still works from the pool,
 * and the order's timeline says its availability check used stock as of that time.
 */
export class StockFreshness {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(warehouse: string): string {
    return `${this.prefix}stockstale:{${warehouse}}`;
  }

  /** Records the answer of one sync: stale SKUs with their fetchedAt, fresh ones cleared. */
  async record(warehouse: string, skus: readonly string[], answer: { stale: boolean; fetchedAt: string }): Promise<void> {
    if (!skus.length) return;
    if (answer.stale) await this.redis.hset(this.key(warehouse), Object.fromEntries(skus.map((s) => [s, answer.fetchedAt])));
    else await this.redis.hdel(this.key(warehouse), ...skus);
  }

  async staleOf(warehouse: string, skus: readonly string[], now = Date.now()): Promise<StaleStock[]> {
    if (!skus.length) return [];
    const at = await this.redis.hmget(this.key(warehouse), ...skus);
    const out: StaleStock[] = [];
    skus.forEach((sku, i) => {
      const fetchedAt = at[i];
      if (fetchedAt) out.push({ sku, fetchedAt, ageMs: Math.max(0, now - Date.parse(fetchedAt)) });
    });
    return out;
  }
}
