import type { Redis } from 'ioredis';
import { z } from 'zod';

const RedisTime = z.tuple([z.coerce.number().int(), z.coerce.number().int()]);

/**
 * Redis's clock in epoch ms: the pool stamps hand-overs and pickups with it (its scripts call
 * TIME), so whatever is compared with those stamps (a WMS reading's asOf, a push's acceptance)
 * is read from the same clock, not from a worker whose clock may run ahead.
 */
export async function redisNowMs(redis: Redis): Promise<number> {
  const [s, us] = RedisTime.parse(await redis.time());
  return s * 1000 + Math.floor(us / 1000);
}
