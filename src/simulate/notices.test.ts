import { describe, expect, it } from 'vitest';
import { noticesByOrder } from './notices.js';

describe('noticesByOrder', () => {
  it('counts a merged message for every order it names, and a single one for its order', () => {
    const merged = { content: '**[WARNING] 2 条通知**\n【a: sku_unknown】\n...\n\n【b: insufficient_stock】\n...\n> order: sim-pdd:1\n> order: sim-tb:2' };
    const single = { content: '[WARNING] c: insufficient_stock\nneed 1, have 0\norder: sim-dy:3' };
    const stray = { content: 'order: sim-unplanned:9\nsomething else' };
    const got = noticesByOrder([merged, single, stray], ['sim-pdd:1', 'sim-tb:2', 'sim-dy:3']);
    expect([...got.keys()].sort()).toEqual(['sim-dy:3', 'sim-pdd:1', 'sim-tb:2']);
    expect(got.get('sim-pdd:1')).toEqual([merged.content]);
    expect(got.get('sim-dy:3')).toEqual([single.content]);
  });
});
