import { describe, expect, it } from 'vitest';
import { maskPii } from './redact.js';

describe('maskPii', () => {
  it('masks a two-character Chinese name quoted in a message (most Chinese names are two or three characters)', () => {
    const payload = { receiver_name: '刘洋', receiver_mobile: '13800001111', country: 'CN' };
    expect(maskPii('Unable to cast value to a number: 刘洋', payload)).toBe('Unable to cast value to a number: ***');
  });
  it('leaves short Latin values alone, so "CN" or "1" under a PII key does not mask text everywhere', () => {
    const payload = { buyer: { country: 'CN', id: 1 }, receiver_phone: '13800001111' };
    expect(maskPii('country CN, phone 13800001111, line 1', payload)).toBe('country CN, phone ***, line 1');
  });
});
