import { describe, expect, it } from 'vitest';
import { hashTag, orderDirectoryKey, warehouseKeys } from './keys.js';

describe('inventory key layout', () => {
  it('puts every key of one warehouse, holds included, under one Redis Cluster hash tag', () => {
    for (const wh of ['WH-SH-01', '上海仓', 'a:b:c']) {
      const k = warehouseKeys('zs:', wh);
      const keys = [k.onHand, k.locked, k.asOf, k.basis, k.handed, k.handoffs, k.expiry, k.hold('shopify:1'), k.hold('tmall:{odd}'), k.holdPrefix + 'x'];
      expect(new Set(keys.map(hashTag))).toEqual(new Set([wh]));
    }
  });

  it('gives different warehouses different tags, so they can live on different shards', () => {
    expect(hashTag(warehouseKeys('zs:', 'A').onHand)).not.toBe(hashTag(warehouseKeys('zs:', 'B').onHand));
  });

  it('refuses braces that would move or break the tag', () => {
    expect(() => warehouseKeys('zs:', 'A}B')).toThrow(/warehouse/);
    expect(() => warehouseKeys('{zs}:', 'A')).toThrow(/prefix/);
    expect(() => warehouseKeys('zs:', '')).toThrow(/empty/);
  });

  it('keeps the per-order directory outside any warehouse slot', () => {
    expect(hashTag(orderDirectoryKey('zs:', 'shopify:1'))).toBe('zs:inv:order:shopify:1');
  });
});

describe('hashTag follows CLUSTER KEYSLOT rules', () => {
  it.each([
    ['plain', 'plain'],
    ['a{b}c', 'b'],
    ['a{}c{d}', 'a{}c{d}'], // an empty first tag means the whole key is hashed
    ['a{b', 'a{b'],
    ['{x}{y}', 'x'],
  ])('%s -> %s', (key, tag) => {
    expect(hashTag(key)).toBe(tag);
  });
});
