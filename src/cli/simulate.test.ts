import { afterEach, describe, expect, it, vi } from 'vitest';
import { simulateCommand } from './simulate.js';

describe('zhongshu simulate options', () => {
  afterEach(() => vi.restoreAllMocks());

  it('names --shadow and the platforms it takes when given one the world has not', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(await simulateCommand({ seed: '1', orders: '10', speed: '180', faults: false, report: 'text', logLevel: 'silent', shadow: 'jd' })).toBe(2);
    const printed = err.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toMatch(/^--shadow: .*"taobao".*"pinduoduo".*"douyin".*"youzan".*"shopify"/m);
  });
});
