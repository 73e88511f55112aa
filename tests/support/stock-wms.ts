import { STOCK_BASIS, type StockBasis } from '../../src/inventory/pool.js';

/** One hot SKU: 3 units, three 1-unit orders, so the true available stock is 0 once all are locked. */
export const WH = 'WH1';
export const SKU = 'HOT';
export const ORDERS = ['o1', 'o2', 'o3'] as const;

/** The WMS's side: units on its shelves and the trades it was pushed and has not shipped. */
export class FakeWms {
  shelves = 3;
  private readonly live = new Set<string>();
  push(o: string): void {
    this.live.add(o);
  }
  ship(o: string): void {
    if (this.live.delete(o)) this.shelves--;
  }
  intercept(o: string): void {
    this.live.delete(o);
  }
  /** What a stock query answers now: shelves, or available-to-send (shelves less live trades). */
  read(basis: StockBasis): number {
    return basis === STOCK_BASIS.PHYSICAL ? this.shelves : this.shelves - this.live.size;
  }
}

/** Waits until the clock moved on, so a reading's time and a Redis-stamped event never tie. */
export async function later(): Promise<number> {
  const t = Date.now();
  while (Date.now() <= t + 1) await new Promise((r) => setTimeout(r, 2));
  return Date.now();
}
