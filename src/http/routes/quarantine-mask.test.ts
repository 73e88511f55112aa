import { describe, expect, it } from 'vitest';
import { maskedPayload } from './quarantine-mask.js';

describe('maskedPayload', () => {
  it('masks values under PII-looking keys wherever they appear, keeps the rest readable', () => {
    const raw = JSON.stringify({ id: 450789469, buyer_phone: '13800138000', shipping_address: { name: '张三', city: '杭州市' }, note: 'call 13800138000', line_items: [{ title: 'IPod Nano', sku: 'IPOD2008PINK' }] });
    const shown = maskedPayload(raw);
    expect(shown).not.toContain('13800138000');
    expect(shown).not.toContain('张三');
    expect(shown).toContain('IPOD2008PINK');
    expect(shown).toContain('450789469');
    expect(shown).toContain('"note": "call ***"');
  });

  it('shows nothing of a body that is not JSON', () => {
    const shown = maskedPayload('name=张三&phone=13800138000');
    expect(shown).not.toContain('13800138000');
    expect(shown).toMatch(/not JSON, \d+ bytes/);
  });
});
