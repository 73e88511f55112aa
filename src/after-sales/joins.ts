import type { Redis } from 'ioredis';

/**
 * One case per after-sale, whichever source speaks first. Two records, both first-wins (HSETNX)
 * and under the `{as}` hash tag beside the case index:
 * - `joined`: a platform case key that joined a case the hub opened first (a refund after pickup,
 *   keyed by order and line); the platform's later news about its after-sales id goes there.
 * - `lines`: which case an order line's after-sale belongs to. A platform case claims its lines
 *   before it starts; the lifecycle claims a line before it opens its refund-after-pickup case,
 *   and joins the platform's case instead when that claimed the line first.
 */
export class CaseJoins {
  private readonly key: string;
  private readonly linesKey: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}{as}:joined`;
    this.linesKey = `${prefix}{as}:lines`;
  }

  async joinedTo(caseKey: string): Promise<string | null> {
    return this.redis.hget(this.key, caseKey);
  }

  /** Joins `caseKey` to `target` unless it joined another case first; answers the case it belongs to. */
  async join(caseKey: string, target: string): Promise<string> {
    await this.redis.hsetnx(this.key, caseKey, target);
    return (await this.redis.hget(this.key, caseKey)) ?? target;
  }

  /** The case that claimed the order line's after-sale, if any. */
  async lineOwner(orderKey: string, lineId: string): Promise<string | null> {
    return this.redis.hget(this.linesKey, lineField(orderKey, lineId));
  }

  /** Claims the order line's after-sale for `caseKey` unless a case claimed it first; answers the case that owns it. */
  async claimLine(orderKey: string, lineId: string, caseKey: string): Promise<string> {
    const field = lineField(orderKey, lineId);
    await this.redis.hsetnx(this.linesKey, field, caseKey);
    return (await this.redis.hget(this.linesKey, field)) ?? caseKey;
  }
}

// JSON keeps the two parts apart whatever characters a platform's ids hold.
const lineField = (orderKey: string, lineId: string) => JSON.stringify([orderKey, lineId]);
