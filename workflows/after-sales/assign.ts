import type { AfterSalesCaseInput, Assignee, CaseSettings } from './types.js';

/** The first assignment rule the case matches (type, platform, shop, amount), else the default. */
export function pickAssignee(s: Pick<CaseSettings, 'assignment' | 'defaultAssignee'>, c: Pick<AfterSalesCaseInput, 'type' | 'platform' | 'shop' | 'amount'>): Assignee {
  const amount = c.amount?.minor ?? null;
  for (const r of s.assignment) {
    if (r.type && !r.type.includes(c.type)) continue;
    if (r.platform && !r.platform.includes(c.platform)) continue;
    if (r.shop && (c.shop === null || !r.shop.includes(c.shop))) continue;
    if (r.minAmount !== undefined && (amount === null || amount < r.minAmount)) continue;
    if (r.maxAmount !== undefined && (amount === null || amount > r.maxAmount)) continue;
    return r.assignee;
  }
  return s.defaultAssignee;
}

/**
 * Who the n-th escalation (1-based) goes to: the assignee's supervisor, then one step further up
 * per further period, staying at the top of the chain. Null when nobody is configured above.
 */
export function escalationTarget(supervisors: Record<string, string>, assigneeId: string, n: number): string | null {
  let who = assigneeId;
  let found: string | null = null;
  const seen = new Set<string>([who]);
  for (let i = 0; i < n; i++) {
    const up = supervisors[who];
    if (up === undefined || seen.has(up)) break;
    seen.add(up);
    found = up;
    who = up;
  }
  return found;
}
