/**
 * Redis key layout of the inventory pool.
 *
 * Every key that a lock, release, commit or expiry sweep touches for one warehouse carries the
 * hash tag `{<warehouse>}`, so on Redis Cluster they all live in one slot and each of those
 * operations stays a single Lua script. The tag is per warehouse, not per SKU: an order's lines
 * name several SKUs and must be checked and locked together (all-or-nothing), which a per-SKU
 * tag would spread over slots. The price is that one warehouse's stock is one slot (one shard);
 * at 10,000 SKUs and ~8,600 orders a day that is far below what a single shard serves.
 *
 * Two keys live outside the warehouse slots and are only ever touched by single-key commands:
 * the per-order directory (which warehouses an order holds stock in, and whether it is closed)
 * and the set of known warehouses (for the expiry sweep).
 */

/** A brace would move or break the hash tag (Redis hashes `{}` and everything after as a whole key). */
const BRACES = /[{}]/;

export function assertTagSafe(what: 'prefix' | 'warehouse', value: string): void {
  if (BRACES.test(value)) throw new Error(`inventory ${what} must not contain '{' or '}' (it would change the Redis Cluster hash tag): ${JSON.stringify(value)}`);
  if (what === 'warehouse' && value.length === 0) throw new Error('inventory warehouse must not be empty (an empty hash tag is ignored by Redis Cluster)');
}

export interface WarehouseKeys {
  /**
   * Hash sku -> units the hub may still promise: the WMS's reading less what was handed to the
   * WMS since (see InventoryPool.setOnHand), reduced by each hand-over or commit.
   */
  onHand: string;
  /** Hash sku -> units locked by open holds. Absent field = 0. */
  locked: string;
  /** Hash sku -> epoch ms of the WMS report behind onHand, to drop out-of-order reports. */
  asOf: string;
  /** Hash sku -> basis ('physical' | 'unpromised') of the WMS report behind onHand; absent = physical. */
  basis: string;
  /** Sorted set orderKey -> expiresAt (epoch ms) of unpaid holds. */
  expiry: string;
  /** Hash sku -> units of holds handed to the WMS (pushed) that the hub has not yet seen shipped. */
  handed: string;
  /**
   * Sorted set of moves a WMS reading taken before them does not show, score = epoch ms, member =
   * cjson {o, l, sku, qty, k}: k absent = a hand-over (scored when the WMS had accepted the trade),
   * 'c' = a commit of a hold never handed over, 's' = a handed hold settled (picked up or intercepted).
   */
  handoffs: string;
  /** Prefix of the per-order hold hashes; the expiry sweep builds hold keys from it. */
  holdPrefix: string;
  /** Hash of one order's hold in this warehouse: state, at, exp, paid, and `l:<lineId>` -> {sku, qty}. */
  hold(orderKey: string): string;
  /** Hash `<location>|<sku>` -> units of returned goods set aside for inspection (not sellable). */
  quarantine: string;
  /** Marker of one return already put back (restocked or quarantined): a repeat changes nothing. */
  returned(restockKey: string): string;
}

export function warehouseKeys(prefix: string, warehouse: string): WarehouseKeys {
  assertTagSafe('prefix', prefix);
  assertTagSafe('warehouse', warehouse);
  const base = `${prefix}inv:{${warehouse}}:`;
  const holdPrefix = `${base}hold:`;
  return {
    onHand: `${base}onhand`,
    locked: `${base}locked`,
    asOf: `${base}asof`,
    basis: `${base}basis`,
    expiry: `${base}expiry`,
    handed: `${base}handed`,
    handoffs: `${base}handoffs`,
    holdPrefix,
    hold: (orderKey) => `${holdPrefix}${orderKey}`,
    quarantine: `${base}quarantine`,
    returned: (restockKey) => `${base}returned:${restockKey}`,
  };
}

/** Hash of one order across warehouses: `wh:<warehouse>` per warehouse it locked in, `closed` once released or committed. */
export function orderDirectoryKey(prefix: string, orderKey: string): string {
  return `${prefix}inv:order:${orderKey}`;
}

/** Set of warehouses with stock figures: the expiry sweep and snapshots iterate it. */
export function warehousesKey(prefix: string): string {
  return `${prefix}inv:warehouses`;
}

/**
 * The part of a key Redis Cluster hashes (CLUSTER KEYSLOT rules): the text between the first `{`
 * and the next `}` if non-empty, else the whole key. Used by tests to prove the layout.
 */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return key;
  return key.slice(open + 1, close);
}
