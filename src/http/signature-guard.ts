import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Logger } from '../logger.js';
import { HttpError } from './errors.js';

export interface SignatureGuardOptions {
  limit: number;
  windowSeconds: number;
  maxSources: number;
}

interface SourceWindow {
  start: number;
  failures: number;
}

/**
 * Failed webhook signatures (and SF route tokens) per source address. A source past `limit`
 * failures in a window is answered 429 with Retry-After instead of 401, so guessing costs the
 * guesser time; the check runs only after a signature failed, so a valid signature is never
 * refused (a source shared behind a proxy cannot be locked out by an attacker beside it). The
 * log gets one summary line per window with counts by adapter and reason, not a line per
 * failure, so a spray cannot flood it.
 */
export class SignatureGuard {
  private readonly sources = new Map<string, SourceWindow>();
  private summary = new Map<string, number>();
  private limited = 0;
  private summaryStart: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly o: SignatureGuardOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.summaryStart = now();
    this.timer = setInterval(() => this.flush(), o.windowSeconds * 1000);
    this.timer.unref();
  }

  /** Counts one failure; returns the seconds to wait when the source is now past its limit. */
  failure(source: string, adapter: string, reason: string): { retryAfterSeconds: number } | null {
    const t = this.now();
    this.rollSummary(t);
    const windowMs = this.o.windowSeconds * 1000;
    let w = this.sources.get(source);
    if (!w || t - w.start >= windowMs) {
      w = { start: t, failures: 0 };
      // Re-inserted so the map's order is oldest window first: eviction drops the stalest.
      this.sources.delete(source);
      this.sources.set(source, w);
      if (this.sources.size > this.o.maxSources) {
        const oldest = this.sources.keys().next().value;
        if (oldest !== undefined) this.sources.delete(oldest);
      }
    }
    w.failures++;
    const key = `${adapter}:${reason}`;
    this.summary.set(key, (this.summary.get(key) ?? 0) + 1);
    if (w.failures <= this.o.limit) return null;
    this.limited++;
    return { retryAfterSeconds: Math.max(1, Math.ceil((w.start + windowMs - t) / 1000)) };
  }

  private rollSummary(t: number) {
    if (t - this.summaryStart >= this.o.windowSeconds * 1000) this.flush(t);
  }

  /** Logs the window's counts (nothing when there were none) and starts a new window. */
  flush(t: number = this.now()): void {
    if (this.summary.size > 0) {
      const failures = Object.fromEntries(this.summary);
      const total = [...this.summary.values()].reduce((a, b) => a + b, 0);
      const sources = [...this.sources.values()].filter((w) => w.start >= this.summaryStart).length;
      this.logger.warn({ failures, total, limited: this.limited, sources, windowSeconds: this.o.windowSeconds }, `webhook signature failures: ${total} in the last window`);
    }
    this.summary = new Map();
    this.limited = 0;
    this.summaryStart = t;
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** The peer's address, or `unknown` for a request that came through no socket (app.request in-process). */
export function sourceOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Refuses a request whose signature failed: 401 naming the reason, or 429 with Retry-After once
 * the source is past its limit. Nothing is logged per request (the guard's summary does that).
 */
export function refuseSignature(guard: SignatureGuard, c: Context, adapter: string, reason: string, message: string, status: 401 | 404 = 401): never {
  // Counted per receiver too: guesses at the SF token do not spend a Shopify sender's budget.
  const limited = guard.failure(`${adapter} ${sourceOf(c)}`, adapter, reason);
  if (limited) {
    throw new HttpError(429, 'too_many_signature_failures', `too many failed signatures from this source; retry after ${limited.retryAfterSeconds} s`, undefined, { 'Retry-After': String(limited.retryAfterSeconds) });
  }
  throw new HttpError(status, status === 404 ? 'not_found' : reason, message);
}
