import { describe, expect, it } from 'vitest';
import type { CanonicalOrder } from '../canonical/order.js';
import { RISK_IDENTITY, orderTime, riskIdentity } from './risk-counter.js';

type Who = Pick<CanonicalOrder, 'source' | 'recipient' | 'buyer'>;

function who(platform: CanonicalOrder['source']['platform'], phone: CanonicalOrder['recipient']['phone'], handle?: string): Who {
  return {
    source: { platform, channel: `${platform}-1`, shop: 's', platformOrderId: '1', receivedAt: '2026-01-01T00:00:00Z' },
    recipient: { phone },
    buyer: handle ? { handle } : undefined,
  };
}

const none = { stableCiphertextPlatforms: [] };

describe('riskIdentity', () => {
  it('counts by plaintext phone, normalised, and never exposes the number', () => {
    const a = riskIdentity(who('shopify', { plaintext: '+86 138-0013-8000' }), none);
    const b = riskIdentity(who('wechat', { plaintext: '13800138000' }), none);
    expect(a?.kind).toBe(RISK_IDENTITY.PHONE_PLAINTEXT);
    expect(a?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.hash).toBe(b?.hash);
    expect(JSON.stringify(a)).not.toContain('13800138000');
  });

  it('uses ciphertext only from platforms configured as deterministic, else the buyer handle', () => {
    const pdd = who('pinduoduo', { ciphertext: '~AgAAAA1~0~', masked: '138****8000' }, 'order-sn-buyer');
    expect(riskIdentity(pdd, none)?.kind).toBe(RISK_IDENTITY.BUYER_HANDLE);
    expect(riskIdentity(pdd, { stableCiphertextPlatforms: ['pinduoduo'] })?.kind).toBe(RISK_IDENTITY.PHONE_CIPHERTEXT);
    expect(riskIdentity(who('taobao', { masked: '138****8000' }, 'oaid-1'), none)?.kind).toBe(RISK_IDENTITY.BUYER_HANDLE);
    expect(riskIdentity(who('taobao', { masked: '138****8000' }), none)).toBeNull();
  });

  it('scopes handles by platform and keys the hash when an identity key is configured', () => {
    const tb = riskIdentity(who('taobao', null, 'same'), none);
    const jd = riskIdentity(who('jd', null, 'same'), none);
    expect(tb?.hash).not.toBe(jd?.hash);
    const keyed = riskIdentity(who('taobao', null, 'same'), { stableCiphertextPlatforms: [], identityKey: 'k' });
    expect(keyed?.hash).not.toBe(tb?.hash);
  });

  it('takes the order time from paidAt, else createdAt', () => {
    expect(orderTime({ createdAt: '2026-01-01T00:00:00Z', paidAt: '2026-01-01T00:05:00+08:00' })).toBe(Date.parse('2025-12-31T16:05:00Z'));
    expect(orderTime({ createdAt: '2026-01-01T00:00:00Z', paidAt: null })).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });
});
