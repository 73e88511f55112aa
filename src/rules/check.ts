import type { Redis } from 'ioredis';
import type { CanonicalOrder } from '../canonical/order.js';
import { matchAddress, type AddressMatch } from './address-match.js';
import type { RulesConfig } from './config.js';
import { evaluateOrderRules, type RulesOutcome } from './evaluate.js';
import { RiskCounter, orderTime, type RiskCount } from './risk-counter.js';

/**
 * The I/O half of the rules, meant to run as one activity: match the address (data file),
 * count the buyer (Redis), ask the stock pool about every SKU the decision will need, then
 * evaluate. Every step is idempotent per orderKey, so Temporal may retry the activity freely.
 */
export interface RulesCheckerDeps {
  redis: Redis;
  keyPrefix: string;
  config: RulesConfig;
  /** Stock-pool membership, e.g. `(sku) => pool.knownSku(warehouse, sku)`. */
  knownSku: (sku: string) => Promise<boolean>;
  now?: () => number;
}

export interface RulesCheck extends RulesOutcome {
  address: AddressMatch;
  risk: RiskCount | null;
}

/** Every SKU the evaluation may ask about: order lines plus the gifts the matrix could add. */
export function skusToCheck(order: Pick<CanonicalOrder, 'lines'>, config: Pick<RulesConfig, 'gifts'>): string[] {
  const skus = new Set<string>();
  for (const l of order.lines) if (l.merchantSku) skus.add(l.merchantSku);
  const present = new Set(skus);
  for (const g of config.gifts) if (g.enabled && present.has(g.mainSku)) skus.add(g.gift.sku);
  return [...skus];
}

export function createRulesChecker(deps: RulesCheckerDeps) {
  const counter = new RiskCounter({ redis: deps.redis, keyPrefix: deps.keyPrefix, risk: deps.config.risk, now: deps.now });
  return async function checkOrderRules(input: { orderKey: string; order: CanonicalOrder }): Promise<RulesCheck> {
    const { order, orderKey } = input;
    const { interception } = deps.config;
    const address = matchAddress(order.address);
    // A switched-off level touches nothing: no Redis writes, no stock-pool calls.
    const risk = interception.risk ? await counter.count({ orderKey, order, at: orderTime(order) }) : null;
    const skus = interception.unknownSku ? skusToCheck(order, deps.config) : [];
    const known = new Set<string>();
    await Promise.all(
      skus.map(async (sku) => {
        if (await deps.knownSku(sku)) known.add(sku);
      }),
    );
    const outcome = evaluateOrderRules(order, {
      config: deps.config,
      address,
      riskCount: risk && risk.identity !== null ? risk.count : null,
      knownSku: (sku) => known.has(sku),
    });
    return { ...outcome, address, risk };
  };
}
