import { describe, expect, it } from 'vitest';
import { idSequence } from './platform-ids.js';

describe('idSequence', () => {
  it('counts up by one from a block of the id space', () => {
    const first = 7_000_000_000_000_000_001n;
    const next = idSequence({ first, blocks: 2 ** 39, blockSize: 2n ** 20n });
    const a = next();
    expect(next()).toBe(a + 1n);
    expect(a >= first && a < first + 2n ** 59n).toBe(true);
    expect((a - first) % 2n ** 20n).toBe(0n);
  });

  it('with one block starts at the first id', () => {
    const next = idSequence({ first: 9_100_000_001n, blocks: 1, blockSize: 10n });
    expect([next(), next()]).toEqual([9_100_000_001n, 9_100_000_002n]);
  });

  it('refuses a block count randomInt cannot draw from, or an empty block, naming the field', () => {
    expect(() => idSequence({ first: 1n, blocks: 0, blockSize: 1n })).toThrow(/blocks: 0/);
    expect(() => idSequence({ first: 1n, blocks: 2 ** 49, blockSize: 1n })).toThrow(/blocks: /);
    expect(() => idSequence({ first: 1n, blocks: 1.5, blockSize: 1n })).toThrow(/blocks: 1.5/);
    expect(() => idSequence({ first: 1n, blocks: 1, blockSize: 0n })).toThrow(/blockSize: 0/);
  });
});
