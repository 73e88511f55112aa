import type { Redis } from 'ioredis';

/**
 * Platform case keys that joined a case the hub opened first (a refund after pickup, keyed by
 * order and line): the platform's later news about its after-sales id goes to that case, never to
 * a second one. The first join wins (HSETNX); the `{as}` hash tag keeps it beside the case index.
 */
export class CaseJoins {
  private readonly key: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}{as}:joined`;
  }

  async joinedTo(caseKey: string): Promise<string | null> {
    return this.redis.hget(this.key, caseKey);
  }

  /** Joins `caseKey` to `target` unless it joined another case first; answers the case it belongs to. */
  async join(caseKey: string, target: string): Promise<string> {
    await this.redis.hsetnx(this.key, caseKey, target);
    return (await this.redis.hget(this.key, caseKey)) ?? target;
  }
}
