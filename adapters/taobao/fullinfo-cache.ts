import { parseGmt8 } from '../_shared/signing.js';

/**
 * How long after the second of a trade's `modified` a read must have started before it is taken
 * as covering that version: `modified` has whole seconds, so a second change in the same second
 * keeps the same value, and the hub's clock may run a few seconds ahead of TOP's.
 */
export const SETTLED_AFTER_MS = 5_000;

interface Entry {
  modified: string;
  readAt: number;
  body: unknown;
}

/**
 * Full trades read lately, by tid. Every poll re-lists its overlap (2 minutes), and each listed
 * tid used to cost a `taobao.trade.fullinfo.get` again: at a shop's 5 calls/s a busy shop's poll
 * spent most of its time re-reading unchanged trades, and new orders waited for the next poll.
 * The list gives each tid's `modified`, so an unchanged trade is answered from here. Bounded, in
 * memory only (a restart just reads again); buyer fields stay as TOP sent them and are never logged.
 */
export class FullinfoCache {
  private readonly byTid = new Map<string, Entry>();

  constructor(
    private readonly max = 5_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The trade as read before, if it still shows this `modified` and that read began after the change had settled. */
  get(tid: string, modified: string | undefined): unknown {
    if (modified === undefined) return undefined;
    const e = this.byTid.get(tid);
    const changedAt = parseGmt8(modified);
    if (!e || e.modified !== modified || changedAt === null || e.readAt < changedAt.getTime() + SETTLED_AFTER_MS) return undefined;
    return e.body;
  }

  /** The time a read starts, to pass to put() with its result. */
  started(): number {
    return this.now();
  }

  put(tid: string, modified: string | undefined, readAt: number, body: unknown): void {
    if (modified === undefined) return;
    this.byTid.delete(tid);
    this.byTid.set(tid, { modified, readAt, body });
    // A Map iterates in insertion order: the first key is the least recently read.
    while (this.byTid.size > this.max) {
      const oldest = this.byTid.keys().next().value;
      if (oldest === undefined) break;
      this.byTid.delete(oldest);
    }
  }
}
