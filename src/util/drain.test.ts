import { describe, expect, it } from 'vitest';
import { drainWithin } from './drain.js';

describe('drainWithin', () => {
  it('says whether the work settled before the bound', async () => {
    expect(await drainWithin(Promise.resolve('done'), 1_000)).toBe(true);
    expect(await drainWithin(Promise.reject(new Error('failed while draining')), 1_000)).toBe(true);
    expect(await drainWithin(new Promise(() => {}), 0)).toBe(false);
    expect(await drainWithin(new Promise(() => {}), -5)).toBe(false);
  });
});
