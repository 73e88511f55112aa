/**
 * Lua source of the inventory pool. Each script runs atomically inside Redis, so "check available
 * then lock" can never interleave with another order's lock: that interleaving is how a pool
 * oversells. Every script touches only keys of one warehouse (one hash tag, see keys.ts).
 *
 * Replies are JSON strings (cjson.encode) parsed with zod on the TypeScript side. Redis's cjson
 * encodes an empty Lua table as `{}`, so list fields may arrive as `{}` when empty (replies.ts
 * accepts that).
 *
 * A hold (one order in one warehouse) is a hash:
 *   state     'locked' | 'handed' | 'released' | 'committed'  (absent = no hold)
 *   handedAt  epoch ms (Redis's clock) when the trade was handed to the WMS
 *   exp       epoch ms when an unpaid hold expires (absent = no expiry)
 *   paid      '1' once confirmPaid ran: expiry is never set again
 *   reason    why it was released
 *   at        epoch ms (Redis's own clock) when the hold was first locked: the moment stock was
 *             really taken, which an order's timeline (written when its workflow next runs) can
 *             only follow
 *   l:<lineId> cjson {sku, qty}: what this line holds
 * A released or committed hold stays as a tombstone (with a TTL) so a late retry of the lock,
 * still in flight when the order was cancelled, is refused instead of locking again.
 */

/**
 * Shared by release, commit and the expiry sweep: moves a hold out of 'locked', giving back
 * (release) or consuming (commit) what it held. A hold that is already closed is left as it is;
 * a hold that never existed becomes a tombstone so a lock arriving after this cannot succeed.
 */
/**
 * Helpers every script that walks a hold's lines shares: its lines decoded, Redis's clock in ms,
 * and a counter decremented with its field dropped at zero (below zero cannot happen with these
 * scripts; if it ever does, it stays visible rather than being tidied away).
 */
const HOLD_HELPERS = `
local function held_lines(hold)
  local out = {}
  local flat = redis.call('HGETALL', hold)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 2) == 'l:' then
      local line = cjson.decode(flat[i + 1])
      out[#out + 1] = { lineId = string.sub(flat[i], 3), sku = line.sku, qty = line.qty }
    end
  end
  return out
end
local function redis_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function take(hash, field, qty)
  if redis.call('HINCRBY', hash, field, -qty) == 0 then redis.call('HDEL', hash, field) end
end
-- One entry of the move log (see SET_ON_HAND): kind nil = a hand-over, 'c' = a commit of a hold
-- never handed over, 's' = a handed hold settled.
local function log_move(handoffs, score, orderKey, line, kind)
  redis.call('ZADD', handoffs, score, cjson.encode({ o = orderKey, l = line.lineId, sku = line.sku, qty = line.qty, k = kind }))
end
`;

const SETTLE = `${HOLD_HELPERS}
local function settle(hold, onhand, locked, expiry, handed, handoffs, orderKey, toState, reason, ttl, horizon)
  local state = redis.call('HGET', hold, 'state')
  if state == 'released' or state == 'committed' then
    return state, state, {}
  end
  local lines = {}
  local now = redis_ms()
  if state == 'handed' then
    -- The units already left on hand and locked at the hand-over; the WMS counts them. Shipped
    -- (commit) or intercepted (release), the hub stops counting them as outstanding at the WMS.
    -- A release does not give them back: the WMS accepts an intercept even when the parcel has
    -- already left (Wangdiantong takes the refund re-push of a shipped trade), and the hub cannot
    -- tell the two apart. The WMS's next reading does: a physical one no longer subtracts them,
    -- an available-to-send one counts them once the WMS freed them. Until then they are
    -- understated, never sold twice. Logged: a physical reading taken before this may still show
    -- them on the shelves, and must not put them back on sale.
    lines = held_lines(hold)
    for _, line in ipairs(lines) do
      take(handed, line.sku, line.qty)
      log_move(handoffs, now, orderKey, line, 's')
    end
  elseif state == 'locked' then
    lines = held_lines(hold)
    for _, line in ipairs(lines) do
      take(locked, line.sku, line.qty)
      if toState == 'committed' then
        redis.call('HINCRBY', onhand, line.sku, -line.qty)
        -- Never handed over (no WMS hand-over in this order's history): a reading of either kind
        -- taken before the pickup may still count the units, and must not put them back on sale.
        log_move(handoffs, now, orderKey, line, 'c')
      end
    end
  end
  if horizon then redis.call('ZREMRANGEBYSCORE', handoffs, '-inf', '(' .. horizon) end
  redis.call('HSET', hold, 'state', toState, 'reason', reason, 'closedAt', string.format('%d', now))
  redis.call('HDEL', hold, 'exp')
  redis.call('ZREM', expiry, orderKey)
  redis.call('EXPIRE', hold, ttl)
  return state or 'none', toState, lines
end
`;

/**
 * KEYS: onhand, locked, expiry, hold
 * ARGV: orderKey, expiresAt ('' = none), lineCount, then lineId, sku, qty per line.
 *
 * All-or-nothing: either every line not yet held is locked, or nothing changes. A line already
 * held with the same sku and qty is not locked again (idempotent per order line), so a retried
 * call returns the same result. The same lineId with another sku or qty is a conflict, not a
 * silent re-lock. Requests for one SKU on several lines are summed before the check.
 * The expiry is fixed when the hold is created; later calls never move it, so a retry landing
 * after confirmPaid cannot put an expiry back on a paid order.
 */
export const LOCK = `
local onhand, locked, expiry, hold = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local orderKey, expiresAt, n = ARGV[1], ARGV[2], tonumber(ARGV[3])

local state = redis.call('HGET', hold, 'state')
if state == 'released' or state == 'committed' then
  return cjson.encode({ ok = false, reason = 'closed', state = state })
end

local lines, fresh, need, skus, conflicts = {}, {}, {}, {}, {}
for i = 0, n - 1 do
  local lineId, sku, qty = ARGV[4 + i * 3], ARGV[5 + i * 3], tonumber(ARGV[6 + i * 3])
  local line = { lineId = lineId, sku = sku, qty = qty }
  lines[#lines + 1] = line
  local held = redis.call('HGET', hold, 'l:' .. lineId)
  if held then
    local h = cjson.decode(held)
    if h.sku ~= sku or h.qty ~= qty then
      conflicts[#conflicts + 1] = { lineId = lineId, heldSku = h.sku, heldQty = h.qty, sku = sku, qty = qty }
    end
  else
    fresh[#fresh + 1] = line
    if not need[sku] then
      need[sku] = 0
      skus[#skus + 1] = sku
    end
    need[sku] = need[sku] + qty
  end
end
if #conflicts > 0 then
  return cjson.encode({ ok = false, reason = 'conflict', conflicts = conflicts })
end

-- Check every SKU before touching any: this is what makes the lock all-or-nothing.
local unknown, short = {}, {}
for _, sku in ipairs(skus) do
  local on = redis.call('HGET', onhand, sku)
  if not on then
    unknown[#unknown + 1] = { sku = sku, requested = need[sku], available = 0 }
  else
    local avail = tonumber(on) - tonumber(redis.call('HGET', locked, sku) or '0')
    if avail < need[sku] then
      short[#short + 1] = { sku = sku, requested = need[sku], available = avail }
    end
  end
end
-- An unknown SKU is a different business exception (frozen order, purchasing alerted) from a
-- shortage (wait or decide), so it wins when both happen.
if #unknown > 0 then return cjson.encode({ ok = false, reason = 'unknown_sku', shortages = unknown }) end
if #short > 0 then return cjson.encode({ ok = false, reason = 'insufficient', shortages = short }) end

for _, sku in ipairs(skus) do redis.call('HINCRBY', locked, sku, need[sku]) end
for _, line in ipairs(fresh) do
  redis.call('HSET', hold, 'l:' .. line.lineId, cjson.encode({ sku = line.sku, qty = line.qty }))
end
if not state then
  local t = redis.call('TIME')
  redis.call('HSET', hold, 'state', 'locked', 'at', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
  if expiresAt ~= '' then
    redis.call('HSET', hold, 'exp', expiresAt)
    redis.call('ZADD', expiry, expiresAt, orderKey)
  end
end
local exp = redis.call('HGET', hold, 'exp')
return cjson.encode({ ok = true, locked = lines, expiresAt = exp and tonumber(exp) or nil })
`;

/**
 * KEYS: onhand, locked, expiry, hold, handed, handoffs
 * ARGV: orderKey, toState ('released' | 'committed'), reason, tombstone TTL seconds, move-log horizon (epoch ms)
 * Release gives the units back to available; commit (on shipment) removes them from on hand too.
 */
export const SETTLE_HOLD = `${SETTLE}
local previous, state, lines = settle(KEYS[4], KEYS[1], KEYS[2], KEYS[3], KEYS[5], KEYS[6], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5])
return cjson.encode({ previous = previous, state = state, lines = lines })
`;

/**
 * KEYS: onhand, locked, expiry, handed, handoffs
 * ARGV: nowMs, limit, holdPrefix, tombstone TTL seconds
 *
 * Releases unpaid holds whose expiry is due. The check "still locked, still has an expiry, and it
 * is due" runs inside the same script as the release, so a confirmPaid that got in first (it
 * clears exp) is never undone. Hold keys are built from holdPrefix: they are not declared in
 * KEYS, which Redis allows for scripts without flags; they share the warehouse hash tag, so on
 * Cluster they are in this script's slot.
 */
export const RELEASE_EXPIRED = `${SETTLE}
local onhand, locked, expiry, handed, handoffs = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now, limit, holdPrefix, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local due = redis.call('ZRANGEBYSCORE', expiry, '-inf', now, 'LIMIT', 0, limit)
local out = {}
for _, orderKey in ipairs(due) do
  local hold = holdPrefix .. orderKey
  local exp = redis.call('HGET', hold, 'exp')
  local state = redis.call('HGET', hold, 'state')
  if state == 'locked' and exp and tonumber(exp) <= now then
    local _, _, lines = settle(hold, onhand, locked, expiry, handed, handoffs, orderKey, 'released', 'expired', ttl, nil)
    out[#out + 1] = { orderKey = orderKey, lines = lines }
  elseif state == 'locked' and exp then
    -- Index and hold disagree (should not happen): trust the hold, re-index it.
    redis.call('ZADD', expiry, exp, orderKey)
  else
    -- Paid or closed in the meantime: a stale index entry, nothing to release.
    redis.call('ZREM', expiry, orderKey)
  end
end
return cjson.encode(out)
`;

/**
 * KEYS: expiry, hold
 * ARGV: orderKey
 * Clears the expiry of a locked hold and marks it paid. Reports the state it found, so a caller
 * learns when the countdown already released the stock and the order must lock again.
 */
export const CONFIRM_PAID = `
local expiry, hold, orderKey = KEYS[1], KEYS[2], ARGV[1]
local state = redis.call('HGET', hold, 'state')
if state == 'locked' or state == 'handed' then
  redis.call('HSET', hold, 'paid', '1')
  redis.call('HDEL', hold, 'exp')
  redis.call('ZREM', expiry, orderKey)
end
return cjson.encode({ state = state or 'none' })
`;

/**
 * KEYS: onhand, locked, asof, handed, handoffs, basis
 * ARGV: sku, qty, asOf ('' = unknown), basis ('physical' | 'unpromised'), oldest asOf the move log still covers
 *
 * Replaces on hand with the WMS figure, less what the WMS already counts for trades the hub handed
 * it (their units left on hand at the hand-over; counting them again is the double count) and less
 * what left the hub's books after the reading was taken (the reading still counts it):
 *   physical   the WMS's stock on its shelves, which still holds every handed trade it has not
 *              shipped: less the units handed and not yet seen shipped (`handed`), and less every
 *              handed hold settled and every hold committed after asOf (a parcel picked up after
 *              the reading may have been on the shelves when it was taken). A trade the WMS
 *              shipped before the reading but the hub hears of later is still subtracted until
 *              then: an understatement, never an oversell.
 *   unpromised the WMS's own available-to-send (its stock less what its trades are promised):
 *              it already excludes every trade it accepted before the reading, so only the
 *              hand-overs of trades it may have accepted after asOf are subtracted (a hand-over is
 *              scored when the WMS had accepted the trade, see HAND_OVER), and the commits after
 *              asOf of holds never handed over. An intercepted trade's units come back with the
 *              first reading after the WMS freed them. The WMS's other promises (other channels,
 *              its own locks) are respected too.
 * Locks are untouched: if the WMS reports fewer units than are locked, available goes negative
 * and the caller is told, because hiding it would hide an oversell that already happened. A report
 * older than the one already applied is dropped (stock query responses can arrive out of order), and
 * so is an unpromised report older than the move log reaches back (a physical one is applied
 * against what the log still holds, as ERP stock messages may be old). The basis is kept: a
 * hand-over after an available-to-send reading that already excluded the trade does not take its
 * units off again.
 */
export const SET_ON_HAND = `
local onhand, locked, asof, handed, handoffs, basiskey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local sku, qty, at, basis, horizon = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5])
local applied = true
local prev = redis.call('HGET', asof, sku)
if at ~= '' and prev and tonumber(prev) > tonumber(at) then
  applied = false
elseif basis == 'unpromised' and at ~= '' and tonumber(at) < horizon then
  applied = false
else
  local since = 0
  if basis ~= 'unpromised' then since = tonumber(redis.call('HGET', handed, sku) or '0') end
  if at ~= '' then
    for _, m in ipairs(redis.call('ZRANGEBYSCORE', handoffs, '(' .. at, '+inf')) do
      local h = cjson.decode(m)
      if h.sku == sku then
        local kind = h.k
        if basis == 'unpromised' then
          if kind == nil or kind == 'c' then since = since + h.qty end
        elseif kind == 'c' or kind == 's' then
          since = since + h.qty
        end
      end
    end
  end
  redis.call('HSET', onhand, sku, qty - since)
  if at ~= '' then redis.call('HSET', asof, sku, at) end
  redis.call('HSET', basiskey, sku, basis)
end
return cjson.encode({
  applied = applied,
  onHand = tonumber(redis.call('HGET', onhand, sku) or '0'),
  locked = tonumber(redis.call('HGET', locked, sku) or '0'),
})
`;

/**
 * KEYS: onhand, locked, expiry, handed, handoffs, hold, asof, basis
 * ARGV: orderKey, log horizon (epoch ms: moves older than this are dropped from the log),
 *       acceptedBy (epoch ms by which the WMS had accepted the trade; '' = unknown, now is used)
 *
 * The order's trade was accepted by the WMS, which from now on counts its units as promised (and
 * later as shipped). The hold's units leave locked and on hand together, as a commit does, and
 * are remembered as handed (outstanding at the WMS) and in the move log, so a WMS reading is
 * reconciled against them (SET_ON_HAND). The log entry is scored with acceptedBy, not with now:
 * an available-to-send reading taken between the WMS accepting the trade and this hand-over
 * already excludes the units, and subtracting them again drove available below zero until the
 * next reading. For the same reason, if such a reading was already applied, on hand is left as it
 * is (the reading took the units off) and only locked drops. Only a locked hold is handed; a
 * repeat does nothing.
 */
export const HAND_OVER = `${HOLD_HELPERS}
local onhand, locked, expiry, handed, handoffs, hold, asof, basiskey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local orderKey, horizon, acceptedBy = ARGV[1], ARGV[2], ARGV[3]
local state = redis.call('HGET', hold, 'state')
if state ~= 'locked' then return cjson.encode({ previous = state or 'none', lines = {} }) end
local now = redis_ms()
local score = now
if acceptedBy ~= '' and tonumber(acceptedBy) < now then score = tonumber(acceptedBy) end
local lines = held_lines(hold)
for _, line in ipairs(lines) do
  take(locked, line.sku, line.qty)
  local seen = redis.call('HGET', basiskey, line.sku) == 'unpromised' and tonumber(redis.call('HGET', asof, line.sku) or '-1') >= score
  if not seen then redis.call('HINCRBY', onhand, line.sku, -line.qty) end
  redis.call('HINCRBY', handed, line.sku, line.qty)
  log_move(handoffs, score, orderKey, line, nil)
end
redis.call('HSET', hold, 'state', 'handed', 'handedAt', string.format('%d', now))
redis.call('HDEL', hold, 'exp')
redis.call('ZREM', expiry, orderKey)
redis.call('ZREMRANGEBYSCORE', handoffs, '-inf', '(' .. horizon)
return cjson.encode({ previous = 'locked', lines = lines })
`;
