import { describe, expect, it } from 'vitest';
import { afterPickupCasesRight } from './invariants.js';

describe('AFTER_SALES_CASE: the cases of a refund after pickup', () => {
  it("the order's own cases are returns, one per refunded line", () => {
    expect(afterPickupCasesRight([{ type: 'return_and_refund' }, { type: 'return_and_refund', platformCaseId: null }], 2)).toBe(true);
    expect(afterPickupCasesRight([{ type: 'refund_only' }, { type: 'return_and_refund' }], 2)).toBe(false);
  });

  it("a line the pulled after-sale reached first keeps the platform's refund type", () => {
    expect(afterPickupCasesRight([{ type: 'refund_only', platformCaseId: '7000000000123' }, { type: 'return_and_refund' }], 2)).toBe(true);
    expect(afterPickupCasesRight([{ type: 'exchange', platformCaseId: '7000000000124' }, { type: 'return_and_refund' }], 2)).toBe(false);
  });

  it('a missing or a second case for a line is wrong whatever the types', () => {
    expect(afterPickupCasesRight([{ type: 'return_and_refund' }], 2)).toBe(false);
    expect(afterPickupCasesRight([{ type: 'return_and_refund' }, { type: 'return_and_refund' }, { type: 'refund_only', platformCaseId: '1' }], 2)).toBe(false);
  });
});
