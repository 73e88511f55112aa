import type { Redis } from 'ioredis';
import { z } from 'zod';
import { LuaScript } from '../util/lua-script.js';
import type { CaseSnapshot } from '../../workflows/after-sales/types.js';
import { CaseSummary } from './schema.js';

/** One number per case: the first allocation wins, every retry or replay gets the same one. */
const ALLOCATE = new LuaScript(`
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return existing end
local n = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 3 * 86400)
local width = 4
if n >= 10000 then width = string.len(tostring(n)) end
local number = ARGV[2] .. string.rep('0', width - string.len(tostring(n))) .. tostring(n)
redis.call('HSET', KEYS[1], ARGV[1], number)
redis.call('HSET', KEYS[3], number, ARGV[1])
return number
`);

/** Newer versions only: a retried save of an older summary never overwrites a newer one. */
const SAVE = new LuaScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local v = tonumber(string.match(cur, '^(%d+):'))
  if v and v >= tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[1])
if ARGV[5] ~= '' then redis.call('SADD', KEYS[3] .. ARGV[5], ARGV[1]) end
return 1
`);

/**
 * The read model of after-sales cases, for listings, filters and metrics without querying every
 * workflow (the workflow stays the source of truth). Every key shares the `{as}` hash tag so each
 * script stays on one Redis Cluster slot.
 */
export class CaseStore {
  private readonly base: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.base = `${prefix}{as}:`;
  }

  private get keys() {
    return { numbers: `${this.base}numbers`, byNumber: `${this.base}by-number`, cases: `${this.base}cases`, opened: `${this.base}opened`, byOrder: `${this.base}by-order:` };
  }

  /** AS-<day>-NNNN, counted per day of `dayStamp` (YYYYMMDD in the configured offset). */
  async allocateNumber(caseKey: string, dayStamp: string): Promise<string> {
    const k = this.keys;
    const r = await ALLOCATE.run(this.redis, [k.numbers, `${this.base}seq:${dayStamp}`, k.byNumber], [caseKey, `AS-${dayStamp}-`]);
    return z.string().parse(r);
  }

  async save(caseKey: string, version: number, summary: CaseSnapshot): Promise<boolean> {
    const k = this.keys;
    const r = await SAVE.run(this.redis, [k.cases, k.opened, k.byOrder], [caseKey, version, JSON.stringify(summary), Date.parse(summary.openedAt) || 0, summary.orderKey ?? '']);
    return r === 1;
  }

  async get(caseKey: string): Promise<CaseSummary | null> {
    const raw = await this.redis.hget(this.keys.cases, caseKey);
    return raw === null ? null : decode(raw);
  }

  /** A case key from its number (AS-...), or the key itself. */
  async resolve(idOrNumber: string): Promise<string | null> {
    if (idOrNumber.startsWith('AS-')) return this.redis.hget(this.keys.byNumber, idOrNumber);
    return (await this.redis.hexists(this.keys.cases, idOrNumber)) ? idOrNumber : null;
  }

  /** The newest `limit` cases, newest first. */
  async recent(limit: number): Promise<CaseSummary[]> {
    const keys = await this.redis.zrevrange(this.keys.opened, 0, Math.max(0, limit - 1));
    if (!keys.length) return [];
    const raws = await this.redis.hmget(this.keys.cases, ...keys);
    return raws.flatMap((r) => (r === null ? [] : [decode(r)]));
  }

  async ofOrder(orderKey: string): Promise<string[]> {
    return (await this.redis.smembers(`${this.keys.byOrder}${orderKey}`)).sort();
  }

  /** Every case summary (for metrics): the read model is small next to the order index. */
  async all(): Promise<CaseSummary[]> {
    const all = await this.redis.hvals(this.keys.cases);
    return all.map(decode);
  }
}

/** The stored `<version>:<json>` back to a checked summary. */
function decode(raw: string): CaseSummary {
  return CaseSummary.parse(JSON.parse(raw.slice(raw.indexOf(':') + 1)));
}
