import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';

describe('tracking config', () => {
  it('subscribe needs the push receiver (pushToken): KDNiao would push to nowhere', () => {
    const bad = parseConfig({ tracking: { subscribe: true } }, {});
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(['tracking.subscribe']);
    const ok = parseConfig({ tracking: { subscribe: true, pushToken: '${T}' } }, { T: 'kdn-push-token-0123456789' });
    expect(ok.ok && ok.config.tracking.subscribe).toBe(true);
    const off = parseConfig({}, {});
    expect(off.ok && off.config.tracking.subscribe).toBe(false);
  });
});
