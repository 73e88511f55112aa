import type { Redis } from 'ioredis';
import { z } from 'zod';
import { LuaScript } from '../util/lua-script.js';
import { assertTagSafe, warehouseKeys, warehousesKey } from './keys.js';
import { Sku, Warehouse } from './schema.js';

/** Returned goods kept apart are not sellable until someone moves them; one marker per return makes it exactly once. */
const PUT_BACK = new LuaScript(`
local onhand, quarantine, marker = KEYS[1], KEYS[2], KEYS[3]
local mode, location, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('EXISTS', marker) == 1 then return 0 end
for i = 4, #ARGV, 2 do
  local sku, qty = ARGV[i], tonumber(ARGV[i + 1])
  if mode == 'quarantine' then
    redis.call('HINCRBY', quarantine, location .. '|' .. sku, qty)
  else
    redis.call('HINCRBY', onhand, sku, qty)
  end
end
redis.call('SET', marker, mode, 'EX', ttl)
return 1
`);

/** A returned parcel is remembered this long: far past any redelivery of its warehouse report. */
const RETURN_MARKER_TTL_S = 400 * 24 * 3600;

export const ReturnLines = z.array(z.object({ sku: Sku, qty: z.number().int().positive() })).min(1, 'lines: at least one returned line with a SKU');

/**
 * Returned goods back into the stock pool: on hand again (sellable), or into a quarantine
 * location per config. One script on the warehouse's keys (same hash tag as the pool) applies
 * every line and the once-marker together, so a retried activity or a second report of the same
 * return restocks nothing more.
 */
export class ReturnsPool {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    assertTagSafe('prefix', prefix);
  }

  async putBack(a: { restockKey: string; warehouse: string; lines: { sku: string; qty: number }[]; disposition: 'restock' | 'quarantine'; location: string }): Promise<{ applied: boolean }> {
    const k = warehouseKeys(this.prefix, Warehouse.parse(a.warehouse));
    const lines = ReturnLines.parse(a.lines);
    await this.redis.sadd(warehousesKey(this.prefix), a.warehouse);
    const args = [a.disposition, a.location, String(RETURN_MARKER_TTL_S), ...lines.flatMap((l) => [l.sku, String(l.qty)])];
    const r = await PUT_BACK.run(this.redis, [k.onHand, k.quarantine, k.returned(a.restockKey)], args);
    return { applied: r === 1 };
  }

  /** Units set aside at a quarantine location, per SKU. */
  async quarantined(warehouse: string, location: string): Promise<Record<string, number>> {
    const all = await this.redis.hgetall(warehouseKeys(this.prefix, Warehouse.parse(warehouse)).quarantine);
    const out: Record<string, number> = {};
    for (const [field, v] of Object.entries(all)) if (field.startsWith(`${location}|`)) out[field.slice(location.length + 1)] = Number(v);
    return out;
  }
}
