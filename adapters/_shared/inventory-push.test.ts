import { describe, expect, it } from 'vitest';
import type { InvokeContext } from '../../src/sdk/define.js';
import { AdapterError } from '../../src/sdk/errors.js';
import { createLogger } from '../../src/logger.js';
import { pushAvailable } from './inventory-push.js';

const beats: unknown[] = [];
const ctx: InvokeContext = { signal: new AbortController().signal, idempotencyKey: 'k', logger: createLogger({ level: 'silent' }), heartbeat: (d) => beats.push(d) };
const listings: Record<string, string> = { A: '1', B: '2', C: '3' };

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('pushAvailable', () => {
  it('pushes mapped SKUs with absolute, non-negative quantities and reports unmapped ones', async () => {
    const sent: [string, number][] = [];
    const r = await pushAvailable('x', { warehouse: 'WH', items: [{ sku: 'A', available: 5 }, { sku: 'Z', available: 1 }, { sku: 'B', available: -2 }] }, ctx, (s) => listings[s], async (id, q) => {
      sent.push([id, q]);
    });
    expect(sent).toEqual([['1', 5], ['2', 0]]);
    expect(r).toEqual({ pushed: 2, unmapped: ['Z'], rejected: [] });
  });

  it('goes on past a refused SKU and reports it; stops on a retryable failure so the whole push is retried', async () => {
    const push = async (id: string) => {
      if (id === '2') throw AdapterError.rejected('x', 'off-shelf', 'listing removed');
      if (id === '3') throw AdapterError.retryable('x', 'http', '502');
    };
    const items = [{ sku: 'A', available: 1 }, { sku: 'B', available: 1 }];
    expect(await pushAvailable('x', { warehouse: 'WH', items }, ctx, (s) => listings[s], push)).toEqual({ pushed: 1, unmapped: [], rejected: [{ sku: 'B', code: 'off-shelf', message: expect.stringContaining('listing removed') }] });
    expect(await failure(pushAvailable('x', { warehouse: 'WH', items: [...items, { sku: 'C', available: 1 }] }, ctx, (s) => listings[s], push))).toMatchObject({ retryable: true, code: 'http' });
  });

  it('refuses bad input naming the field', async () => {
    expect(await failure(pushAvailable('x', { warehouse: 'WH', items: [{ sku: 'A', available: 1.5 }] }, ctx, () => '1', async () => {}))).toMatchObject({ retryable: false, message: expect.stringContaining('items.0.available') });
  });
});
