import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MappingEngine, MappingError } from '../mapping/engine.js';
import { packageRoot } from '../util/package-info.js';
import { mapErpEvent } from './events.js';

const engine = new MappingEngine({ dir: path.join(packageRoot(), 'mappings') });
await engine.loadAll();
const stock = (qty: unknown) => ({ id: 'evt-1', type: 'stock.changed', occurredAt: '2026-03-09T10:00:00+08:00', data: { items: [{ sku: 'A', qty }] } });

describe('ERP stock.changed quantities', () => {
  it('an on-hand count past what the inventory pool keeps is a mapping failure naming the field (it was a 500 from the pool)', async () => {
    const err = await mapErpEvent(engine, 'legacy-erp/event.v1', stock(1685258403)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MappingError);
    expect(err).toMatchObject({ code: 'E_SCHEMA', message: expect.stringMatching(/items\[0\]\.onHand: Too big/) });
  });

  it('a count the pool keeps maps to a stock command', async () => {
    expect(await mapErpEvent(engine, 'legacy-erp/event.v1', stock(1_000_000_000))).toMatchObject({ kind: 'stock', items: [{ sku: 'A', onHand: 1_000_000_000 }] });
  });
});
