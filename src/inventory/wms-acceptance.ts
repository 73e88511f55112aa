import type { Redis } from 'ioredis';
import { z } from 'zod';
import { redisNowMs } from './clock.js';
import { assertTagSafe } from './keys.js';

/** Long past any push, which follows its order's lock within the order's life. */
const RECORD_TTL_S = 30 * 24 * 3600;

const Ms = z.coerce.number().int().nonnegative();
const WorkflowId = z.string().min(1);

/**
 * Per workflow: its newest stock hold, and when the WMS had accepted its latest trade push, on
 * Redis's clock (the clock the pool stamps its move log with). The push activity hands the hold
 * over the moment the WMS answered (InventoryPool.handOver with that time), so a WMS
 * available-to-send reading applied between the push and the workflow's own hand-over step does
 * not count the units twice; the workflow's step then finds the hold handed and does nothing, or
 * hands it over with the recorded time when the push could not (no hold recorded).
 *
 * A push first clears the time: a hand-over must never use an earlier push's time, from before
 * this trade existed at the WMS (a reading between the two would then not be reconciled: an
 * oversell). It is written only once the WMS answered, so it is never earlier than the acceptance.
 */
export class WmsAcceptance {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    assertTagSafe('prefix', prefix);
  }

  private key(what: 'accepted' | 'hold', workflowId: string): string {
    return `${this.prefix}inv:wms-${what}:${WorkflowId.parse(workflowId)}`;
  }

  /** The workflow locked stock under this hold key (its newest: a re-lock replaces it). */
  async holding(workflowId: string, holdKey: string): Promise<void> {
    await this.redis.set(this.key('hold', workflowId), z.string().min(1).parse(holdKey), 'EX', RECORD_TTL_S);
  }

  async holdOf(workflowId: string): Promise<string | null> {
    return this.redis.get(this.key('hold', workflowId));
  }

  /** A push is about to be sent. */
  async pushing(workflowId: string): Promise<void> {
    await this.redis.del(this.key('accepted', workflowId));
  }

  /** The WMS answered the push with success: returns the time recorded. */
  async accepted(workflowId: string): Promise<number> {
    const ms = await redisNowMs(this.redis);
    await this.redis.set(this.key('accepted', workflowId), String(ms), 'EX', RECORD_TTL_S);
    return ms;
  }

  /** The time recorded by the workflow's latest successful push, or null (none, or one under way). */
  async acceptedAt(workflowId: string): Promise<number | null> {
    const v = await this.redis.get(this.key('accepted', workflowId));
    return v === null ? null : Ms.parse(v);
  }
}
