import type { Redis } from 'ioredis';

/**
 * Durable poll cursors, one per channel: the end of the last window whose every order was
 * started or quarantined.
 *
 * Why Redis and not workflow state (the schedule's last result, or one long-running workflow
 * with continueAsNew): the hub already depends on Redis for dedupe, quarantine and stock, and
 * runs it with AOF (embedded standalone: appendonly everysec; compose: --appendonly yes), so
 * the cursor needs no new moving part. (everysec can lose the last second of writes on a power
 * cut: the cursor then stands one window earlier, which only re-reads.) It survives a schedule being deleted and re-created
 * (a config change, a task-queue rename), which a schedule's last result does not, and a
 * failed run does not wipe it (Temporal hands a scheduled run only the last *successful*
 * result). An SRE can read or reset it with one redis-cli command (README, "Polling").
 *
 * Why it never skips: the cursor moves only after a window is finished (advance is the last
 * step of a window in workflows/order-poll.ts), and never backwards. A crash anywhere before
 * leaves it where it was, so the next run re-reads the window; what was already started is
 * dropped by intake (workflow id REJECT_DUPLICATE). Only one run per channel is active at a
 * time (schedule overlap SKIP), so a plain read-compare-write cannot race with itself.
 */
export class PollCursorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(channel: string): string {
    return `${this.prefix}poll:cursor:${channel}`;
  }

  /** The cursor, or null before the first completed window. A value an operator typed wrong is an error, not a silent restart. */
  async get(channel: string): Promise<Date | null> {
    const v = await this.redis.get(this.key(channel));
    if (v === null) return null;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new Error(`poll cursor ${this.key(channel)} holds "${v.slice(0, 40)}", not an ISO-8601 time; fix or delete it`);
    return d;
  }

  /** Moves the cursor to `to` unless it is already later; returns the cursor now stored. */
  async advance(channel: string, to: Date): Promise<Date> {
    const cur = await this.get(channel);
    if (cur && cur.getTime() >= to.getTime()) return cur;
    await this.redis.set(this.key(channel), to.toISOString());
    return to;
  }

  /** A lost range is recorded once per channel and start; returns true the first time. */
  async recordLost(channel: string, lost: { start: Date; end: Date }, at: Date): Promise<boolean> {
    const field = `${lost.start.toISOString()}/${lost.end.toISOString()}`;
    return (await this.redis.hsetnx(`${this.prefix}poll:lost:${channel}`, field, at.toISOString())) === 1;
  }

  async lost(channel: string): Promise<{ range: string; reportedAt: string }[]> {
    const all = await this.redis.hgetall(`${this.prefix}poll:lost:${channel}`);
    return Object.entries(all).map(([range, reportedAt]) => ({ range, reportedAt }));
  }
}
