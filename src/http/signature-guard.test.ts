import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { SignatureGuard } from './signature-guard.js';

function harness(o = { limit: 5, windowSeconds: 60, maxSources: 100 }) {
  const lines: string[] = [];
  let t = 1_000_000;
  const guard = new SignatureGuard(o, createLogger({ level: 'info' }, { write: (l: string) => void lines.push(l) }), () => t);
  return { guard, lines, advance: (ms: number) => (t += ms) };
}

describe('SignatureGuard', () => {
  it('limits a source past its failures per window, with the seconds left in the window', () => {
    const { guard, advance } = harness();
    for (let i = 0; i < 5; i++) expect(guard.failure('10.0.0.1', 'shopify', 'bad_signature')).toBeNull();
    advance(15_000);
    expect(guard.failure('10.0.0.1', 'shopify', 'bad_signature')).toEqual({ retryAfterSeconds: 45 });
    // Another source is counted on its own.
    expect(guard.failure('10.0.0.2', 'shopify', 'bad_signature')).toBeNull();
    // A new window starts afresh.
    advance(45_000);
    expect(guard.failure('10.0.0.1', 'shopify', 'bad_signature')).toBeNull();
    guard.stop();
  });

  it('1,000 failures over three windows give three summary lines whose counts add up', () => {
    const { guard, lines, advance } = harness();
    for (let i = 0; i < 1000; i++) {
      guard.failure(`10.0.${i % 7}.1`, i % 2 ? 'youzan' : 'shopify', 'bad_signature');
      advance(170); // 1,000 x 170 ms = 170 s: the third window is still open at the end
    }
    guard.stop();
    const summaries = lines.map((l) => JSON.parse(l) as { msg: string; total: number; failures: Record<string, number>; limited: number });
    expect(summaries).toHaveLength(3);
    expect(summaries.every((s) => s.msg.startsWith('webhook signature failures'))).toBe(true);
    expect(summaries.reduce((a, s) => a + s.total, 0)).toBe(1000);
    expect(summaries[0]?.failures).toHaveProperty('shopify:bad_signature');
    expect(summaries[0]?.failures).toHaveProperty('youzan:bad_signature');
    expect(summaries[0]?.limited).toBeGreaterThan(0);
  });

  it('keeps at most maxSources sources (a spray from many addresses costs bounded memory)', () => {
    const { guard } = harness({ limit: 1, windowSeconds: 60, maxSources: 100 });
    guard.failure('first', 'shopify', 'bad_signature');
    for (let i = 0; i < 500; i++) guard.failure(`s${i}`, 'shopify', 'bad_signature');
    // "first" was forgotten, so its second failure is its first again.
    expect(guard.failure('first', 'shopify', 'bad_signature')).toBeNull();
    expect(guard.failure('first', 'shopify', 'bad_signature')).not.toBeNull();
    guard.stop();
  });

  it('logs nothing in a window without failures', () => {
    const { guard, lines, advance } = harness();
    advance(120_000);
    guard.flush();
    guard.stop();
    expect(lines).toEqual([]);
  });
});
