import { describe, expect, it } from 'vitest';
import { CourierParty, carrierOrderId } from './waybill.js';

describe('carrierOrderId', () => {
  it('keeps a short plain key, so people can find it in the carrier console', () => {
    expect(carrierOrderId('wf-123_waybill-1')).toBe('wf-123_waybill-1');
  });
  it('hashes a key with other characters or too long, deterministically', () => {
    // printf '%s' 'order:TB-1/waybill#1' | sha256sum | cut -c1-40
    expect(carrierOrderId('order:TB-1/waybill#1')).toBe('ZS6a56d862240a19309c78ef5acfce2d90b436e586');
    expect(carrierOrderId('x'.repeat(65))).toMatch(/^ZS[0-9a-f]{40}$/);
    expect(carrierOrderId('x'.repeat(65))).toBe(carrierOrderId('x'.repeat(65)));
  });
});

describe('CourierParty', () => {
  const base = { name: '张*', province: '河南省', city: null, district: '济源市', detail: '~AgAAAA==~0~' };
  it('accepts ciphertext and a county-level unit without a city', () => {
    expect(CourierParty.parse({ ...base, mobile: '$138****0000$0$' }).country).toBe('CN');
  });
  it('needs a phone of some kind', () => {
    expect(CourierParty.safeParse(base).success).toBe(false);
  });
});
