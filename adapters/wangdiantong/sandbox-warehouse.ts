import type { SandboxLog } from '../../src/sandbox/core.js';
import type { WdtEdition } from './config.js';
import { TRADE_STATUS } from './trade.js';

/**
 * The warehouse behind the Wangdiantong sandbox, whatever edition a call came through: trades by
 * tid, stock per spec_no and warehouse, and the logistics sync-back pool the warehouse fills when
 * it ships. Kept apart from the wire (sandbox.ts) so both editions share one store.
 */
export const WDT_TRADE_STATE = { LIVE: 'live', INTERCEPTED: 'intercepted', SHIPPED: 'shipped' } as const;
export type WdtTradeState = (typeof WDT_TRADE_STATE)[keyof typeof WDT_TRADE_STATE];

export const SYNC_STATE = { PENDING: 'pending', SYNCED: 'synced', FAILED: 'failed' } as const;
export type SyncState = (typeof SYNC_STATE)[keyof typeof SYNC_STATE];

export interface WdtSandboxLine {
  oid: string;
  specNo: string;
  num: number;
}

export interface WdtSandboxTrade {
  tid: string;
  shopNo: string;
  edition: WdtEdition;
  /** The latest trade_status pushed (30 to ship, 80 refunded, 90 closed). */
  tradeStatus: number;
  state: WdtTradeState;
  pushes: number;
  lines: WdtSandboxLine[];
  /** Set when the warehouse shipped it. */
  logisticsNo: string | null;
  /** True when an intercept arrived after the parcel had left: the WMS took the refund, the goods are gone. */
  interceptedAfterShipping: boolean;
  /**
   * The waybill the order's platform issued (pushed as logistics_no): the warehouse prints that
   * one through the platform's print component, and the receiver in `raw` is the platform's
   * ciphertext. Null: the WMS prints from the plaintext receiver.
   */
  platformWaybillNo: string | null;
  /** The trade as last pushed (plaintext receivers, or a platform e-waybill order's ciphertext). */
  raw: Record<string, unknown>;
}

export interface WdtSandboxSync {
  syncId: string;
  tid: string;
  logisticsNo: string;
  logisticsCode: string;
  logisticsName: string;
  state: SyncState;
  acks: number;
}

export interface WdtSandboxState {
  trades: { counts: Record<WdtTradeState, number>; list: WdtSandboxTrade[] };
  /** spec_no -> warehouse_no -> on-hand quantity. */
  stock: Record<string, Record<string, number>>;
  syncs: WdtSandboxSync[];
}

export interface ShipmentDetails {
  logisticsNo?: string;
  logisticsCode?: string;
  logisticsName?: string;
}

function platformWaybillNo(raw: Record<string, unknown>): string | null {
  const v = raw['logistics_no'];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Enterprise rec_ids run beyond 2^53 (WDT writes them as bare numbers), so clients must parse them exactly. */
const BIG_ID_BASE = 2_778_958_909_363_191_820n;
const INTERCEPT_STATUSES: ReadonlySet<number> = new Set([TRADE_STATUS.REFUNDED, TRADE_STATUS.CLOSED]);

export class WdtWarehouse {
  private readonly trades = new Map<string, WdtSandboxTrade>();
  private readonly syncs = new Map<string, WdtSandboxSync>();
  private readonly stock = new Map<string, Map<string, number>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextSync = 0;
  private nextWaybill = 0;

  constructor(
    private readonly log: SandboxLog,
    readonly warehouseNo: string,
    /** When set, each live trade ships this long after its first push. */
    private readonly autoShipMs: number | null,
  ) {}

  /** A push of one trade: 'new' the first time a tid is seen, 'chg' after (WDT updates by tid, never duplicates). */
  upsert(edition: WdtEdition, shopNo: string, tid: string, tradeStatus: number, raw: Record<string, unknown>, lines: WdtSandboxLine[]): 'new' | 'chg' {
    const prev = this.trades.get(tid);
    const intercept = INTERCEPT_STATUSES.has(tradeStatus);
    if (prev) {
      prev.pushes++;
      prev.tradeStatus = tradeStatus;
      prev.raw = raw;
      prev.lines = lines;
      prev.platformWaybillNo = platformWaybillNo(raw) ?? prev.platformWaybillNo;
      if (intercept && prev.state === WDT_TRADE_STATE.SHIPPED) prev.interceptedAfterShipping = true;
      else if (intercept) prev.state = WDT_TRADE_STATE.INTERCEPTED;
      this.log.record(intercept ? 'trade.intercept' : 'trade.update', tid, { edition, tradeStatus, state: prev.state });
      return 'chg';
    }
    const state = intercept ? WDT_TRADE_STATE.INTERCEPTED : WDT_TRADE_STATE.LIVE;
    this.trades.set(tid, { tid, shopNo, edition, tradeStatus, state, pushes: 1, lines, logisticsNo: null, interceptedAfterShipping: false, platformWaybillNo: platformWaybillNo(raw), raw });
    this.log.record('trade.push', tid, { edition, tradeStatus, lines: lines.length, platformWaybill: platformWaybillNo(raw) !== null });
    if (this.autoShipMs !== null && state === WDT_TRADE_STATE.LIVE) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.trades.get(tid)?.state === WDT_TRADE_STATE.LIVE) this.ship(tid);
      }, this.autoShipMs);
      this.timers.add(timer);
    }
    return 'new';
  }

  /** The warehouse ships a live trade: stock goes down and the shipment waits in the sync-back pool. */
  ship(tid: string, d: ShipmentDetails = {}): WdtSandboxSync {
    const t = this.trades.get(tid);
    if (!t) throw new Error(`wdt sandbox: no trade ${tid}`);
    if (t.state !== WDT_TRADE_STATE.LIVE) throw new Error(`wdt sandbox: trade ${tid} is ${t.state}, the warehouse does not ship it`);
    t.state = WDT_TRADE_STATE.SHIPPED;
    t.logisticsNo = d.logisticsNo ?? t.platformWaybillNo ?? `SF${String(1_500_000_000_000 + ++this.nextWaybill)}`;
    for (const line of t.lines) this.setStock(line.specNo, (this.stock.get(line.specNo)?.get(this.warehouseNo) ?? 0) - line.num, this.warehouseNo, false);
    // One id space for both editions: enterprise clients see a big rec_id, ultimate a sync_id; both read it back as text.
    const syncId = String(BIG_ID_BASE + BigInt(this.nextSync++));
    const s: WdtSandboxSync = { syncId, tid, logisticsNo: t.logisticsNo, logisticsCode: d.logisticsCode ?? 'SF', logisticsName: d.logisticsName ?? '顺丰速运', state: SYNC_STATE.PENDING, acks: 0 };
    this.syncs.set(syncId, s);
    this.log.record('trade.shipped', tid, { logisticsNo: s.logisticsNo, syncId });
    return s;
  }

  setStock(specNo: string, qty: number, warehouseNo = this.warehouseNo, record = true): void {
    const m = this.stock.get(specNo) ?? new Map<string, number>();
    m.set(warehouseNo, qty);
    this.stock.set(specNo, m);
    if (record) this.log.record('stock.set', specNo, { warehouseNo, qty });
  }

  /** Stock rows as both editions return them (Decimal(19,4) strings). */
  stockRows(specNos: readonly string[], warehouse: string | undefined): Record<string, unknown>[] {
    return specNos.flatMap((spec) =>
      [...(this.stock.get(spec) ?? new Map<string, number>())]
        .filter(([wh]) => !warehouse || wh === warehouse)
        .map(([wh, qty]) => ({ spec_no: spec, warehouse_no: wh, stock_num: `${qty}.0000`, available_send_stock: `${Math.max(0, qty - this.promised(spec, wh))}.0000`, defect: 0 })),
    );
  }

  /** Units of live (pushed, not shipped) trades: WDT's available-to-send (可发库存) is its stock less these. */
  private promised(specNo: string, warehouseNo: string): number {
    if (warehouseNo !== this.warehouseNo) return 0;
    let n = 0;
    for (const t of this.trades.values()) if (t.state === WDT_TRADE_STATE.LIVE) for (const l of t.lines) if (l.specNo === specNo) n += l.num;
    return n;
  }

  pending(limit: number): WdtSandboxSync[] {
    return [...this.syncs.values()].filter((s) => s.state === SYNC_STATE.PENDING).slice(0, limit);
  }

  /** Settles one sync row; false when the id is unknown (the WMS reports that per row, not as a call failure). */
  settle(syncId: string, state: SyncState | 'keep'): boolean {
    const s = this.syncs.get(syncId);
    if (!s) return false;
    s.acks++;
    if (state !== 'keep') s.state = state;
    this.log.record('logistics.ack', s.tid, { syncId, state: s.state });
    return true;
  }

  /** A copy of one trade (state() copies every trade and its raw body). */
  trade(tid: string): WdtSandboxTrade | undefined {
    const t = this.trades.get(tid);
    return t && structuredClone(t);
  }

  state(): WdtSandboxState {
    const list = structuredClone([...this.trades.values()]);
    const counts = { live: 0, intercepted: 0, shipped: 0 };
    for (const t of list) counts[t.state]++;
    return {
      trades: { counts, list },
      stock: Object.fromEntries([...this.stock].map(([spec, m]) => [spec, Object.fromEntries(m)])),
      syncs: structuredClone([...this.syncs.values()]),
    };
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
