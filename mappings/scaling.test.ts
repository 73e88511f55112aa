import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findLineArray, withLineCount } from '../bench/lines.js';
import { MappingEngine } from '../src/mapping/engine.js';
import { discoverFixtures, fixtureContext, type Fixture } from '../src/mapping/fixtures.js';
import { parseCanonical, type InboundContext } from '../src/mapping/inbound.js';
import { parseJsonSafe } from '../src/util/json.js';

// Big orders must map under the DEFAULT limits (500 ms, stack depth 500). A mapping that looks a
// per-line value up with `$xs[$i]` or a per-line filter is quadratic and blew the time limit at
// 100-200 lines; a grouping over the lines hit the stack depth limit at ~250 distinct keys. Every
// mapping gets an order of LINES lines built from its first fixture that maps: the fixture's
// line array repeated, each copy's id fields shifted so line ids stay distinct (bench/lines.ts,
// the same construction `npm run bench` measures). Speed itself is the bench's job: this asserts
// only that the order maps, completely, within the limits. The copied lines keep the fixture's
// order totals, so their paid amounts cannot add up to the order: the output is checked against
// the canonical schema only, not the line-paid check (mappings/line-paid.test.ts covers that).
const mapBig = async (e: MappingEngine, c: Case, payload: unknown) => parseCanonical(e, c.mappingId, await e.evaluate(c.mappingId, payload, { ...c.ctx }), c.ctx);
const LINES = 200;
const dir = path.resolve(import.meta.dirname);
const engine = new MappingEngine({ dir });
await engine.loadAll();
const warm = new MappingEngine({ dir, limits: { timeoutMs: 60_000 } });
await warm.loadAll();

interface Case {
  mappingId: string;
  fixture: Fixture;
  input: unknown;
  ctx: InboundContext;
}

async function firstMappingFixture(mappingId: string, fixtures: Fixture[]): Promise<Case | null> {
  const adapter = mappingId.split('/')[0] ?? '';
  for (const fixture of fixtures.filter((f) => f.mappingId === mappingId)) {
    const expected: unknown = JSON.parse(await readFile(fixture.expectedFile, 'utf8'));
    if (typeof expected === 'object' && expected !== null && '$error' in expected) continue;
    const override: unknown = fixture.contextFile ? JSON.parse(await readFile(fixture.contextFile, 'utf8')) : {};
    const ctx = { ...fixtureContext(adapter), ...(typeof override === 'object' && override !== null ? override : {}) };
    return { mappingId, fixture, input: parseJsonSafe(await readFile(fixture.inputFile, 'utf8')), ctx };
  }
  return null;
}

/**
 * Mappings whose platform has no multi-line order: Kuaishou puts one item in an order
 * (`orderItemInfo` is an object; a basket becomes several orders), so there is nothing to scale.
 */
const ONE_LINE_PER_ORDER = new Set(['kuaishou/order.v1']);

/**
 * The own-store format is ours and its mapping refuses totals that disagree with the lines, so the
 * copied order gets totals that add up (goods = sum of the lines, line discounts summed, paid).
 */
function withOwnStoreTotals(big: unknown): unknown {
  const o = big as { amounts: Record<string, number>; lines: { quantity: number; unitPrice: number; discount?: number }[] };
  const goods = o.lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0);
  const discount = o.lines.reduce((n, l) => n + (l.discount ?? 0), 0);
  return { ...o, amounts: { ...o.amounts, goods, discount, paid: goods + (o.amounts.freight ?? 0) - discount } };
}

const fixtures = await discoverFixtures(dir);
const cases: (Case & { big: unknown })[] = [];
for (const mappingId of [...new Set(fixtures.map((f) => f.mappingId))].sort()) {
  if (ONE_LINE_PER_ORDER.has(mappingId)) continue;
  const c = await firstMappingFixture(mappingId, fixtures);
  const where = c ? findLineArray(c.input) : null;
  const big = c && where ? withLineCount(c.input, where, LINES, true) : null;
  if (c) cases.push({ ...c, big: big && mappingId === 'own-store/order.v1' ? withOwnStoreTotals(big) : big });
}

describe(`${LINES}-line orders map under the default limits`, () => {
  // Every big order is mapped once first, without the time limit, so the runs under the default
  // limits do not also pay for JIT-compiling the engine (a quadratic mapping still fails them).
  beforeAll(async () => {
    for (const c of cases) if (c.big) await mapBig(warm, c, c.big).catch(() => undefined);
  }, 120_000);

  it('the engine runs with the default limits and every mapping with fixtures is covered', () => {
    expect(engine.limits).toEqual({ timeoutMs: 500, maxDepth: 500, maxSequence: 100_000 });
    expect(cases.map((c) => c.mappingId)).toEqual(expect.arrayContaining(['amazon/order.v1', 'legacy-erp/order.v1', 'youzan/order.v1', 'jd/order.v1', 'taobao/order.v1']));
  });

  // One retry: the limit is wall-clock, and a machine busy with other work can stall any single
  // run. A quadratic mapping fails every run, so a retry does not hide one.
  it.each(cases.map((c) => [`${c.mappingId} (from ${c.fixture.name})`, c] as const))('%s', { retry: 1 }, async (_name, c) => {
    expect(c.big, 'no line array found in the fixture input').not.toBeNull();
    const order = await mapBig(engine, c, c.big);
    expect(order.lines).toHaveLength(LINES);
    expect(new Set(order.lines.map((l) => l.lineId)).size).toBe(LINES);
  });
});
