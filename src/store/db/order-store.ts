import type { FinanceOrderSource } from '../../finance/source.js';
import type { Logger } from '../../logger.js';
import { StoreFinanceSource } from './finance-source.js';
import { connectStore, type StoreDb } from './connect.js';
import { migrateToLatest } from './migrate.js';
import { createPhoneHasher } from './phone-hash.js';
import type { OrderProjection } from './projection.js';
import { readRestorable, readStoredOrder, readVersions, streamOrdersByMonth, type MonthOrder, type OrderVersion, type StoredOrder } from './reader.js';
import { searchOrders, type OrderCursor, type OrderPage, type OrderSearch, type OrderSort } from './search.js';
import { writeProjection } from './writer.js';

export interface OrderStoreOptions {
  url: string;
  schema?: string;
  poolSize?: number;
  /** HMAC key of the buyer-phone lookup hash; absent: no hash stored, phone search refused. */
  phoneHashKey?: string | undefined;
  logger: Logger;
}

/** The order store (PostgreSQL): the lifecycle's projection of every order, searched by the admin API. */
export class OrderStore {
  private constructor(
    readonly db: StoreDb,
    private readonly hasher: ReturnType<typeof createPhoneHasher> | null,
  ) {}

  /** Connects and brings the schema up to date (migrations run at every start). */
  static async open(o: OrderStoreOptions): Promise<OrderStore> {
    const db = connectStore(o);
    try {
      const { applied } = await migrateToLatest(db);
      if (applied.length) o.logger.info({ migrations: applied.map((m) => m.name), schema: db.schema }, 'order store migrated');
    } catch (err) {
      await db.close();
      throw err;
    }
    return new OrderStore(db, o.phoneHashKey ? createPhoneHasher(o.phoneHashKey) : null);
  }

  get phoneSearch(): boolean {
    return this.hasher !== null;
  }

  /** The lookup hash of a phone number an operator typed; null when no key is configured. */
  hashTypedPhone(raw: string): string | null {
    return this.hasher ? this.hasher.ofPlaintext(raw) : null;
  }

  project(p: OrderProjection): Promise<boolean> {
    return writeProjection(this.db, p, this.hasher?.ofPii ?? null);
  }

  /** A back-fill from Temporal (seq 0): replaces only rows no workflow projection has written. */
  backfill(p: OrderProjection & { seq: 0 }): Promise<boolean> {
    return writeProjection(this.db, p, this.hasher?.ofPii ?? null, { replaceUnprojected: true });
  }

  search(f: OrderSearch, page: { limit: number; sort: OrderSort; cursor: OrderCursor | null }): Promise<OrderPage> {
    return searchOrders(this.db, f, page);
  }

  read(workflowId: string): Promise<StoredOrder | null> {
    return readStoredOrder(this.db, workflowId);
  }

  versions(workflowId: string): Promise<OrderVersion[]> {
    return readVersions(this.db, workflowId);
  }

  /** A version's editable fields for a rollback; undefined when there is no such version. */
  restorable(workflowId: string, seq: number): Promise<unknown> {
    return readRestorable(this.db, workflowId, seq);
  }

  /** Every stored order paid (or received) in a month, in batches: for the finance reconciliation. */
  ordersByMonth(o: { month: string; by: 'paid' | 'received'; offset?: string }): AsyncIterable<MonthOrder> {
    return streamOrdersByMonth(this.db, o);
  }

  /** The finance reconciliation's source: orders paid in a month and orders refunded in it. */
  financeSource(): FinanceOrderSource {
    return new StoreFinanceSource(this.db);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
