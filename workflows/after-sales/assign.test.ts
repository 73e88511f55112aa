import { describe, expect, it } from 'vitest';
import { escalationTarget, pickAssignee } from './assign.js';

const rules = {
  assignment: [
    { type: ['return_and_refund' as const], minAmount: 50_000, assignee: { kind: 'person' as const, id: 'senior-li' } },
    { platform: ['douyin'], shop: ['12345'], assignee: { kind: 'team' as const, id: 'cs-douyin' } },
  ],
  defaultAssignee: { kind: 'team' as const, id: 'cs' },
};

describe('pickAssignee', () => {
  it('takes the first matching rule: type and amount, then platform and shop, else the default', () => {
    expect(pickAssignee(rules, { type: 'return_and_refund', platform: 'douyin', shop: '12345', amount: { minor: 60_000, currency: 'CNY' } })).toEqual({ kind: 'person', id: 'senior-li' });
    expect(pickAssignee(rules, { type: 'return_and_refund', platform: 'douyin', shop: '12345', amount: { minor: 100, currency: 'CNY' } })).toEqual({ kind: 'team', id: 'cs-douyin' });
    expect(pickAssignee(rules, { type: 'refund_only', platform: 'douyin', shop: null, amount: null })).toEqual({ kind: 'team', id: 'cs' });
    // An unknown amount never meets an amount bound.
    expect(pickAssignee(rules, { type: 'return_and_refund', platform: 'taobao', shop: null, amount: null })).toEqual({ kind: 'team', id: 'cs' });
  });
});

describe('escalationTarget', () => {
  const chain = { cs: 'lead', lead: 'director', loop: 'loop' };
  it('climbs one step per escalation and stays at the top', () => {
    expect([1, 2, 3].map((n) => escalationTarget(chain, 'cs', n))).toEqual(['lead', 'director', 'director']);
  });
  it('is null with nobody above, and survives a loop in the config', () => {
    expect(escalationTarget(chain, 'director', 1)).toBeNull();
    expect(escalationTarget(chain, 'loop', 3)).toBeNull();
  });
});
