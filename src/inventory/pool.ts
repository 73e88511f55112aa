import type { Redis } from 'ioredis';
import { LuaScript } from '../util/lua-script.js';
import { z } from 'zod';
import { assertTagSafe, orderDirectoryKey, warehouseKeys, warehousesKey, type WarehouseKeys } from './keys.js';
import {
  ConfirmPaidReply,
  HandOverReply,
  IntHash,
  LockReply,
  LockRequest,
  OnHandQty,
  ReleaseExpiredReply,
  SetOnHandReply,
  SettleReply,
  Sku,
  Warehouse,
  parseLuaJson,
  type HeldLine,
  type HoldState,
  type LockResult,
} from './schema.js';
import { CONFIRM_PAID, HAND_OVER, LOCK, RELEASE_EXPIRED, SETTLE_HOLD, SET_ON_HAND } from './scripts.js';

export type { HeldLine, HoldState, LockResult } from './schema.js';

/** Closed holds and order directories are kept this long, so a very late lock retry still finds the tombstone. */
const TOMBSTONE_TTL_S = 30 * 24 * 3600;
/**
 * How far back the move log (hand-overs, pickups) reaches: an 'unpromised' WMS reading older than
 * this cannot be reconciled and is dropped. Stock readings are minutes old; last-known-good
 * answers are bounded far below a day (resilience config).
 */
const HANDOFF_LOG_MS = 24 * 3600_000;

/**
 * What a WMS stock figure means. 'physical': units on its shelves (they include trades handed to
 * it and not yet shipped). 'unpromised': its available-to-send, already net of its trades.
 */
export const STOCK_BASIS = { PHYSICAL: 'physical', UNPROMISED: 'unpromised' } as const;
export type StockBasis = (typeof STOCK_BASIS)[keyof typeof STOCK_BASIS];

export interface StockLevel {
  /** False when the WMS never reported this SKU for this warehouse (interception level 3). */
  known: boolean;
  onHand: number;
  locked: number;
  /** onHand - locked. Negative when the WMS reported fewer units than are locked: an oversell already made. */
  available: number;
}

export interface SetOnHandResult extends StockLevel {
  /** False when a newer WMS report was already applied and this one was dropped. */
  applied: boolean;
  /** Units locked beyond on hand (0 normally). Non-zero is an oversell to act on, not to hide. */
  overcommitted: number;
}

export interface SettleResult {
  /** Per warehouse the order touched: the state before and after. previous 'none' = it never held there. */
  holds: { warehouse: string; previous: HoldState | 'none'; state: Exclude<HoldState, 'locked' | 'handed'> }[];
  /** Lines this call released or committed; empty on a repeat. */
  lines: (HeldLine & { warehouse: string })[];
}

export interface ConfirmPaidResult {
  /** True when every hold of the order was still locked and is now exempt from expiry. */
  confirmed: boolean;
  holds: { warehouse: string; state: HoldState | 'none' }[];
}

const scripts = {
  lock: new LuaScript(LOCK),
  settle: new LuaScript(SETTLE_HOLD),
  releaseExpired: new LuaScript(RELEASE_EXPIRED),
  confirmPaid: new LuaScript(CONFIRM_PAID),
  setOnHand: new LuaScript(SET_ON_HAND),
  handOver: new LuaScript(HAND_OVER),
} as const;

const DirectoryState = z.enum(['released', 'committed']);
const HoldState = z.enum(['locked', 'handed', 'released', 'committed']);
const WH_FIELD = 'wh:';

/**
 * Available-to-sell stock per warehouse and SKU: available = on hand - locked.
 *
 * Every change to locked or on hand is one Lua script on one warehouse's keys, so no two orders
 * can both see the last unit as free. Locks are held per order ("hold") and per order line;
 * repeating a lock, release or commit is harmless, which is what Temporal activity retries need.
 *
 * Which warehouses an order holds stock in is kept in a small per-order directory (outside the
 * warehouse slots). lock() registers the warehouse there and reads the directory's `closed` flag
 * in one MULTI; release()/commit() set `closed` and read the warehouses in one MULTI. Because
 * each side writes before it reads on the same key, a lock that races a cancellation either is
 * seen (and released) or sees the flag (and refuses); with the per-warehouse tombstone, a lock
 * can never land after its order was released.
 */
export class InventoryPool {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    assertTagSafe('prefix', prefix);
  }

  private keys(warehouse: string): WarehouseKeys {
    return warehouseKeys(this.prefix, Warehouse.parse(warehouse));
  }

  /**
   * Applies a stock figure from the WMS stock query. Existing locks stay as they are; if the WMS
   * now reports fewer units than are locked, available goes negative and `overcommitted` says by
   * how much. `asOf` (epoch ms of the WMS reading) drops reports older than one already applied.
   *
   * The WMS already counts the trades the hub handed it (handOver): their units left on hand at
   * the hand-over, so the reading is reconciled rather than copied, by `basis` (see SET_ON_HAND):
   * a 'physical' reading less the units handed and not yet seen shipped and less what was picked
   * up or intercepted after asOf, an 'unpromised' one (the WMS's own available-to-send) less only
   * the trades the WMS may have accepted after asOf. Copying the reading counted
   * shipped-but-not-picked-up parcels twice and drove available below zero; a reading from before
   * a pickup, applied after it, put the parcel's units back on sale.
   */
  async setOnHand(warehouse: string, sku: string, qty: number, asOf?: number, basis: StockBasis = STOCK_BASIS.PHYSICAL): Promise<SetOnHandResult> {
    const k = this.keys(warehouse);
    Sku.parse(sku);
    OnHandQty.parse(qty);
    if (asOf !== undefined) z.number().int().nonnegative().parse(asOf);
    z.enum([STOCK_BASIS.PHYSICAL, STOCK_BASIS.UNPROMISED]).parse(basis);
    // Registered first, so the expiry sweep and snapshots know every warehouse that has stock.
    await this.redis.sadd(warehousesKey(this.prefix), warehouse);
    const horizon = String(Date.now() - HANDOFF_LOG_MS);
    const raw = await scripts.setOnHand.run(this.redis, [k.onHand, k.locked, k.asOf, k.handed, k.handoffs, k.basis], [sku, String(qty), asOf === undefined ? '' : String(asOf), basis, horizon]);
    const r = parseLuaJson(SetOnHandReply, raw);
    const available = r.onHand - r.locked;
    return { applied: r.applied, known: true, onHand: r.onHand, locked: r.locked, available, overcommitted: Math.max(0, -available) };
  }

  /**
   * The WMS accepted the order's trade: from now on it counts the units (promised, then shipped),
   * so the hold stops counting them. Units leave locked and on hand as at a commit; the hold is
   * 'handed' until the parcel is picked up (commit) or intercepted (release). A release gives
   * nothing back by itself: the WMS also accepts an intercept of a parcel that already left, so
   * the units return with its next reading that shows them. Idempotent: only a locked hold is handed.
   *
   * `acceptedBy` (epoch ms, Redis's clock): a time by which the WMS had accepted the trade, never
   * earlier (the push's answer had arrived). An available-to-send reading taken after it already
   * excludes the units; without it the hand-over's own time is used, and a reading taken between
   * the push and the hand-over counts the units twice until the next one.
   */
  async handOver(orderKey: string, acceptedBy?: number): Promise<{ warehouse: string; previous: HoldState | 'none'; lines: HeldLine[] }[]> {
    z.string().min(1).parse(orderKey);
    if (acceptedBy !== undefined) z.number().int().nonnegative().parse(acceptedBy);
    const fields = await this.redis.hkeys(orderDirectoryKey(this.prefix, orderKey));
    const out: { warehouse: string; previous: HoldState | 'none'; lines: HeldLine[] }[] = [];
    for (const warehouse of warehousesIn(fields)) {
      const k = this.keys(warehouse);
      const raw = await scripts.handOver.run(this.redis, [k.onHand, k.locked, k.expiry, k.handed, k.handoffs, k.hold(orderKey), k.asOf, k.basis], [orderKey, String(Date.now() - HANDOFF_LOG_MS), acceptedBy === undefined ? '' : String(acceptedBy)]);
      const r = parseLuaJson(HandOverReply, raw);
      out.push({ warehouse, previous: r.previous, lines: r.lines });
    }
    return out;
  }

  async get(warehouse: string, sku: string): Promise<StockLevel> {
    const k = this.keys(warehouse);
    const res = await this.redis.multi().hget(k.onHand, sku).hget(k.locked, sku).exec();
    const [[, onHand], [, locked]] = z
      .tuple([z.tuple([z.null(), z.string().nullable()]), z.tuple([z.null(), z.string().nullable()])])
      .parse(res);
    const on = onHand === null ? 0 : z.coerce.number().int().parse(onHand);
    const lk = locked === null ? 0 : z.coerce.number().int().parse(locked);
    return { known: onHand !== null, onHand: on, locked: lk, available: on - lk };
  }

  /** Whether the WMS ever reported the SKU for this warehouse; an unknown SKU freezes the order (interception level 3). */
  async knownSku(warehouse: string, sku: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys(warehouse).onHand, sku)) === 1;
  }

  /**
   * Locks every line of the order in one warehouse, or none. Idempotent per (orderKey, lineId):
   * a repeated call returns the same result without locking again; lines not yet held are
   * locked together. Fails with 'insufficient' or 'unknown_sku' (with shortages), 'conflict'
   * (a held line asked for with another sku or qty) or 'closed' (the order was already released
   * or committed: a late retry must not lock again; a genuine re-lock uses a new orderKey).
   * The caller never proceeds on a failed lock: it waits and retries, or raises a decision.
   */
  async lock(request: LockRequest): Promise<LockResult> {
    const req = LockRequest.parse(request);
    const k = this.keys(req.warehouse);
    const dirKey = orderDirectoryKey(this.prefix, req.orderKey);
    const dir = await this.redis.multi().hset(dirKey, WH_FIELD + req.warehouse, '1').hget(dirKey, 'closed').exec();
    const [, [, closed]] = z.tuple([z.tuple([z.null(), z.number()]), z.tuple([z.null(), DirectoryState.nullable()])]).parse(dir);
    if (closed !== null) return { ok: false, reason: 'closed', state: closed };
    const args: string[] = [req.orderKey, req.expiresAt == null ? '' : String(req.expiresAt), String(req.lines.length)];
    for (const l of req.lines) args.push(l.lineId, l.sku, String(l.qty));
    const raw = await scripts.lock.run(this.redis, [k.onHand, k.locked, k.expiry, k.hold(req.orderKey)], args);
    return parseLuaJson(LockReply, raw);
  }

  /**
   * One order's hold in one warehouse as Redis has it, or null when it never held stock there:
   * its state and when it was first locked (Redis's clock). For SREs and tests asking when stock
   * was really taken, which the order's timeline can only record later.
   */
  async hold(warehouse: string, orderKey: string): Promise<{ state: HoldState; lockedAt: number | null } | null> {
    z.string().min(1).parse(orderKey);
    const [state, at] = await this.redis.hmget(this.keys(warehouse).hold(orderKey), 'state', 'at');
    if (state == null) return null;
    return { state: HoldState.parse(state), lockedAt: at == null ? null : z.coerce.number().int().parse(at) };
  }

  /** Gives back everything the order holds, in every warehouse (cancellation, unpaid timeout). Repeating it is a no-op. */
  async release(orderKey: string, reason: string): Promise<SettleResult> {
    return this.settle(orderKey, 'released', reason);
  }

  /** On shipment (pickup): the held units leave on hand and locked together (a handed hold's left at the hand-over). Repeating it is a no-op. */
  async commit(orderKey: string): Promise<SettleResult> {
    return this.settle(orderKey, 'committed', 'shipped');
  }

  private async settle(orderKey: string, toState: 'released' | 'committed', reason: string): Promise<SettleResult> {
    z.string().min(1).parse(orderKey);
    const dirKey = orderDirectoryKey(this.prefix, orderKey);
    // HSETNX: the first close wins, so a release after a commit does not relabel the order.
    const dir = await this.redis.multi().hsetnx(dirKey, 'closed', toState).hkeys(dirKey).expire(dirKey, TOMBSTONE_TTL_S).exec();
    const [, [, fields]] = z.tuple([z.tuple([z.null(), z.number()]), z.tuple([z.null(), z.array(z.string())]), z.tuple([z.null(), z.number()])]).parse(dir);
    const result: SettleResult = { holds: [], lines: [] };
    for (const warehouse of warehousesIn(fields)) {
      const k = this.keys(warehouse);
      const raw = await scripts.settle.run(this.redis, [k.onHand, k.locked, k.expiry, k.hold(orderKey), k.handed, k.handoffs], [orderKey, toState, reason, TOMBSTONE_TTL_S, String(Date.now() - HANDOFF_LOG_MS)]);
      const r = parseLuaJson(SettleReply, raw);
      result.holds.push({ warehouse, previous: r.previous, state: r.state });
      for (const l of r.lines) result.lines.push({ ...l, warehouse });
    }
    return result;
  }

  /**
   * Payment arrived: the order's holds no longer expire. Runs atomically against the expiry
   * sweep, so either the sweep released first (confirmed: false, state 'released': the order
   * must lock again, under a new key) or the hold is kept for good.
   */
  async confirmPaid(orderKey: string): Promise<ConfirmPaidResult> {
    const fields = await this.redis.hkeys(orderDirectoryKey(this.prefix, orderKey));
    const holds: ConfirmPaidResult['holds'] = [];
    for (const warehouse of warehousesIn(fields)) {
      const k = this.keys(warehouse);
      const raw = await scripts.confirmPaid.run(this.redis, [k.expiry, k.hold(orderKey)], [orderKey]);
      holds.push({ warehouse, state: parseLuaJson(ConfirmPaidReply, raw).state });
    }
    const held = holds.filter((h) => h.state !== 'none');
    return { confirmed: held.length > 0 && held.every((h) => h.state === 'locked' || h.state === 'handed'), holds };
  }

  /**
   * Releases unpaid holds whose countdown has run out, at most `limit` per call, and says which.
   *
   * Who calls it: the lifecycle work runs it from the worker on a short timer (every 15-30 s,
   * looping while a call returns `limit` entries), and each order workflow also has its own
   * countdown timer that calls release() directly. The sweep is the net under the workflow
   * timer (worker down, workflow stuck, timer lost on a bad deploy): with a 30 s period a due
   * hold waits at most ~30 s plus one sweep, well inside the 2 minutes the business allows.
   * Released orderKeys are returned so the caller can signal their workflows.
   */
  async releaseExpired(nowMs: number, limit: number): Promise<{ warehouse: string; orderKey: string; lines: HeldLine[] }[]> {
    z.number().int().nonnegative().parse(nowMs);
    z.number().int().positive().parse(limit);
    const out: { warehouse: string; orderKey: string; lines: HeldLine[] }[] = [];
    const warehouses = await this.redis.smembers(warehousesKey(this.prefix));
    for (const warehouse of warehouses.sort()) {
      const left = limit - out.length;
      if (left <= 0) break;
      const k = this.keys(warehouse);
      const raw = await scripts.releaseExpired.run(this.redis, [k.onHand, k.locked, k.expiry, k.handed, k.handoffs], [String(nowMs), String(left), k.holdPrefix, TOMBSTONE_TTL_S]);
      for (const r of parseLuaJson(ReleaseExpiredReply, raw)) out.push({ warehouse, ...r });
    }
    return out;
  }

  /**
   * Every SKU of a warehouse with its figures, for the stock push to platforms. One MULTI on
   * one slot, so on hand and locked are read at the same instant.
   */
  async snapshot(warehouse: string): Promise<({ sku: string } & Omit<StockLevel, 'known'>)[]> {
    const k = this.keys(warehouse);
    const res = await this.redis.multi().hgetall(k.onHand).hgetall(k.locked).exec();
    const [[, onHand], [, locked]] = z.tuple([z.tuple([z.null(), IntHash]), z.tuple([z.null(), IntHash])]).parse(res);
    return Object.keys(onHand)
      .sort()
      .map((sku) => {
        const on = onHand[sku] ?? 0;
        const lk = locked[sku] ?? 0;
        return { sku, onHand: on, locked: lk, available: on - lk };
      });
  }
}

/** The warehouses recorded in an order directory's fields. */
export function warehousesIn(fields: string[]): string[] {
  return fields.filter((f) => f.startsWith(WH_FIELD)).map((f) => f.slice(WH_FIELD.length)).sort();
}
