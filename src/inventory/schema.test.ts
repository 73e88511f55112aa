import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LockReply, LockRequest, SettleReply, luaList, parseLuaJson } from './schema.js';
import { warehousesIn } from './pool.js';

describe('luaList', () => {
  const list = luaList(z.number());
  it('reads cjson\'s {} for an empty table as an empty list', () => {
    expect(list.parse({})).toEqual([]);
    expect(list.parse([1, 2])).toEqual([1, 2]);
  });
  it('still rejects an object with content', () => {
    expect(() => list.parse({ a: 1 })).toThrow();
  });
});

describe('LockRequest', () => {
  const base = { orderKey: 'o1', warehouse: 'WH1', lines: [{ lineId: 'l1', sku: 'S', qty: 1 }] };
  it('accepts a plain request, with or without expiry', () => {
    expect(LockRequest.safeParse(base).success).toBe(true);
    expect(LockRequest.safeParse({ ...base, expiresAt: null }).success).toBe(true);
    expect(LockRequest.safeParse({ ...base, expiresAt: 1_750_000_000_000 }).success).toBe(true);
  });
  it.each([
    ['no lines', { ...base, lines: [] }],
    ['zero qty', { ...base, lines: [{ lineId: 'l1', sku: 'S', qty: 0 }] }],
    ['fractional qty', { ...base, lines: [{ lineId: 'l1', sku: 'S', qty: 1.5 }] }],
    ['duplicate lineId', { ...base, lines: [{ lineId: 'l1', sku: 'S', qty: 1 }, { lineId: 'l1', sku: 'T', qty: 1 }] }],
    ['brace in warehouse', { ...base, warehouse: 'W{1}' }],
    ['empty orderKey', { ...base, orderKey: '' }],
  ])('rejects %s', (_name, req) => {
    expect(LockRequest.safeParse(req).success).toBe(false);
  });
});

describe('Lua replies', () => {
  it('turns a missing expiresAt into null on success', () => {
    const r = parseLuaJson(LockReply, JSON.stringify({ ok: true, locked: [{ lineId: 'l1', sku: 'S', qty: 2 }] }));
    expect(r).toEqual({ ok: true, locked: [{ lineId: 'l1', sku: 'S', qty: 2 }], expiresAt: null });
  });
  it('reads a shortage with negative available as is', () => {
    const r = parseLuaJson(LockReply, '{"ok":false,"reason":"insufficient","shortages":[{"sku":"S","requested":1,"available":-3}]}');
    expect(r).toEqual({ ok: false, reason: 'insufficient', shortages: [{ sku: 'S', requested: 1, available: -3 }] });
  });
  it('refuses a reply outside the contract rather than guessing', () => {
    expect(() => parseLuaJson(LockReply, '{"ok":false,"reason":"weird"}')).toThrow();
    expect(() => parseLuaJson(LockReply, 42)).toThrow();
  });
  it('reads a settle of nothing ({} lines)', () => {
    expect(parseLuaJson(SettleReply, '{"previous":"none","state":"released","lines":{}}')).toEqual({ previous: 'none', state: 'released', lines: [] });
  });
});

describe('warehousesIn', () => {
  it('reads only the warehouse fields of an order directory', () => {
    expect(warehousesIn(['closed', 'wh:B', 'wh:A', 'wh:a:b'])).toEqual(['A', 'B', 'a:b']);
  });
});
