import { describe, expect, it } from 'vitest';
import { billNumber } from './bill-no.js';

describe('idempotent bill numbers', () => {
  it('is the documented sha256 prefix of the key', () => {
    // printf '%s' 'wf-order-youzan-main:E1:sales-order.push' | openssl dgst -sha256 | cut -c 1-20
    //   -> f9cb3708eb9e4e5f9bfd (uppercased below)
    expect(billNumber('ZS', 'wf-order-youzan-main:E1:sales-order.push')).toBe(`ZS${'f9cb3708eb9e4e5f9bfd'.toUpperCase()}`);
  });
  it('is stable for a key and different for another', () => {
    expect(billNumber('ZS', 'a')).toBe(billNumber('ZS', 'a'));
    expect(billNumber('ZS', 'a')).not.toBe(billNumber('ZS', 'b'));
    expect(billNumber('ZS', 'a')).toMatch(/^ZS[0-9A-F]{20}$/);
  });
  it('refuses an empty key', () => {
    expect(() => billNumber('ZS', '')).toThrow();
  });
});
