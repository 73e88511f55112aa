import { describe, expect, it } from 'vitest';
import { AlertInput, maskedAlert, maskPii, truncateUtf8 } from './alert.js';

describe('PII masking for chat alerts', () => {
  it.each([
    ['buyer 13812345678 ordered 6 times', 'buyer 138****5678 ordered 6 times'],
    ['phone:13812345678.', 'phone:138****5678.'],
    ['+86 138 1234 5678 called', '138****5678 called'],
    ['call 138-1234-5678', 'call 138****5678'],
    ['landline-like 02112345678', 'landline-like 021****5678'],
    ['id 11010519491231002X', 'id 110105********002X'],
    ['mail zhang.san@example.com', 'mail z***@example.com'],
  ])('%s', (input, expected) => {
    expect(maskPii(input)).toBe(expected);
  });

  it('leaves shorter and longer digit runs, amounts and times alone', () => {
    const s = 'order 5123456789 sku ZP-2026-01 amount 299.00 at 2024-05-01 10:00:00 tid 1234567890123456789';
    expect(maskPii(s)).toBe(s);
  });

  it('masks title and text but keeps the order key, on its own line', () => {
    const m = maskedAlert({ title: 'risk hold 13812345678', text: 'same phone 13812345678 placed 6 orders', severity: 'warning', orderKey: 'taobao-1:13812345678' });
    expect(m).toEqual({ label: 'WARNING', title: 'risk hold 138****5678', text: 'same phone 138****5678 placed 6 orders', orderLines: ['order: taobao-1:13812345678'] });
  });

  it('the input schema takes exactly title, text, severity and an optional orderKey', () => {
    expect(AlertInput.safeParse({ title: 't', text: 'x', severity: 'critical' }).success).toBe(true);
    expect(AlertInput.safeParse({ title: 't', text: 'x', severity: 'fatal' }).success).toBe(false);
    expect(AlertInput.safeParse({ title: 't', text: 'x', severity: 'info', phone: '1' }).success).toBe(false);
  });
});

describe('UTF-8 truncation', () => {
  it('never splits a character and stays within the byte budget', () => {
    const s = '饮'.repeat(100); // 300 bytes
    const cut = truncateUtf8(s, 20);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(20);
    expect(cut).toBe(`${'饮'.repeat(5)}…`);
    expect(truncateUtf8('short', 20)).toBe('short');
  });
});
