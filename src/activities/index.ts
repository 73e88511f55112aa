import type { Redis } from 'ioredis';
import type { CanonicalOrder } from '../canonical/order.js';
import type { Logger } from '../logger.js';
import { OrderIndex } from '../store/orders.js';

export interface ActivityDeps {
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
}

/** Activities are built from their dependencies, so tests and the worker wire them the same way. */
export function createActivities(deps: ActivityDeps) {
  const index = new OrderIndex(deps.redis, deps.keyPrefix);
  return {
    async recordOrder(input: { idempotencyKey: string; orderKey: string; order: CanonicalOrder }): Promise<{ firstWrite: boolean }> {
      const firstWrite = await index.record(input.idempotencyKey, input.orderKey, input.order);
      deps.logger.debug({ orderKey: input.orderKey, firstWrite }, 'order recorded');
      return { firstWrite };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
