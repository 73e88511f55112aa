/**
 * SP-API usage plans: a token bucket per operation (rate per second, burst), as Amazon publishes
 * them. Refill reads the sandbox clock, so a test with a fixed clock exhausts a burst exactly.
 */
export interface UsagePlan {
  rate: number;
  burst: number;
}

/** The published plans of the operations the adapter calls (WIRE-FORMATS: getOrders 0.0167/20, confirmShipment 2/10). */
export const SP_API_USAGE_PLANS: Readonly<Record<string, UsagePlan>> = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  patchListingsItem: { rate: 5, burst: 10 },
  // UNVERIFIED: the Finances v0 plan as its reference gives it, not checked on a live account.
  listFinancialEvents: { rate: 0.5, burst: 30 },
};

export class UsageBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly plans: Readonly<Record<string, UsagePlan>>,
    private readonly clock: () => Date,
  ) {}

  plan(operation: string): UsagePlan | undefined {
    return this.plans[operation];
  }

  /** Spends one token; null when granted, else the seconds until one is back. */
  take(operation: string): number | null {
    const plan = this.plans[operation];
    if (!plan) return null;
    const now = this.clock().getTime();
    const b = this.buckets.get(operation) ?? { tokens: plan.burst, at: now };
    const tokens = Math.min(plan.burst, b.tokens + ((now - b.at) / 1000) * plan.rate);
    if (tokens < 1) {
      this.buckets.set(operation, { tokens, at: now });
      return Math.ceil((1 - tokens) / plan.rate);
    }
    this.buckets.set(operation, { tokens: tokens - 1, at: now });
    return null;
  }
}
