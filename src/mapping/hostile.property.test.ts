import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../util/package-info.js';
import { nestingExceeds, parseJsonSafe } from '../util/json.js';
import { MappingEngine, MappingError } from './engine.js';
import { discoverFixtures, fixtureContext } from './fixtures.js';
import { MappingFunctionError, parseJson, PARSE_JSON_LIMITS } from './functions.js';
import { mapInboundOrder } from './inbound.js';
import { maskPii } from './redact.js';

// Issue 14: hostile input, generated. Seeded so a failure reproduces (fast-check prints the seed
// and the shrunk counterexample); sized to stay well under two minutes on two cores.
const SEED = 1414;

describe('$parseJson on hostile text', () => {
  it('parses JSON exactly like the intake reader, and refuses anything else with its own error (1,000 cases)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), fc.string({ unit: 'binary' })), (text) => {
        let parsed: unknown;
        let failure: unknown;
        try {
          parsed = parseJson(text, 'field');
        } catch (err) {
          failure = err;
        }
        if (failure === undefined) {
          // Absent input is absent; anything else parsed is what the intake reader makes of it.
          if (text !== '') expect(parsed).toEqual(parseJsonSafe(text));
          return;
        }
        expect(failure).toBeInstanceOf(MappingFunctionError);
        const message = failure instanceof Error ? failure.message : '';
        expect(message).toMatch(/^\$parseJson: field: /);
        // Never echoes what it refused (only the fixed wording and a position).
        if (text.trim().length >= 6) expect(message).not.toContain(text.trim());
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('counts nesting as JSON.parse would, ignoring brackets inside strings (500 cases)', () => {
    const depth = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(nestingExceeds(text, limit)).toBe(depth(value) > limit);
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(nestingExceeds('['.repeat(PARSE_JSON_LIMITS.maxDepth + 1), PARSE_JSON_LIMITS.maxDepth)).toBe(true);
  });
});

describe('maskPii', () => {
  it('masks every value under a PII-looking key wherever a message quotes it (500 cases)', () => {
    const key = fc.constantFrom('receiver_name', 'phone', 'buyer_nick', 'address1', 'mobile', 'contact', 'shipping_address');
    fc.assert(
      fc.property(key, fc.string({ minLength: 3, maxLength: 30 }), fc.string({ maxLength: 20 }), (k, value, around) => {
        const message = `${around}Unable to cast value to a number: "${value}"${around}`;
        expect(maskPii(message, { order: { [k]: value, lines: [{ qty: 1 }] } })).not.toContain(value);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

// Every inbound order mapping, on its own fixtures with hostile values dropped in at random places.
const dir = path.join(packageRoot(), 'mappings');
const engine = new MappingEngine({ dir, limits: { timeoutMs: 5_000 } });
await engine.loadAll();
const seeds = await Promise.all(
  (await discoverFixtures(dir)).filter((f) => !f.name.startsWith('error-')).map(async (f) => ({ mappingId: f.mappingId, input: parseJsonSafe(await readFile(f.inputFile, 'utf8')) })),
);

type Path = (string | number)[];
function leafPaths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) leafPaths(x, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}
function setAt(root: unknown, p: Path, value: unknown): unknown {
  if (!p.length) return value;
  const copy: unknown = structuredClone(root);
  let node: unknown = copy;
  for (const k of p.slice(0, -1)) node = typeof node === 'object' && node !== null ? Reflect.get(node, k) : undefined;
  if (typeof node === 'object' && node !== null) Reflect.set(node, p[p.length - 1] ?? '', value);
  return copy;
}

const hostileValue = fc.oneof(
  fc.constantFrom(
    null,
    '',
    '$eval("1+1")',
    '$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)',
    '[{"qty": $count([1,2])}]',
    '{"__proto__": {"polluted": true}}',
    '9007199254740993',
    9007199254740993,
    -0,
    1e308,
    Number.NaN,
    '0000-00-00 00:00:00',
    '2026-02-30 25:61:61',
    '1,299.005',
    '🙂'.repeat(50),
    '\u0000\u202e',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

describe('inbound mappings on hostile payloads', () => {
  it('every payload maps to a valid order or fails with a MappingError naming the mapping, never anything else (1,000 cases)', async () => {
    expect(seeds.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const seed = seeds[which % seeds.length];
        if (!seed) return;
        let input: unknown = seed.input;
        for (const [at, value] of mutations) {
          const paths = leafPaths(input);
          input = setAt(input, paths[at % paths.length] ?? [], value);
        }
        const adapter = seed.mappingId.split('/')[0] ?? 'unknown';
        try {
          const order = await mapInboundOrder(engine, seed.mappingId, input, fixtureContext(adapter));
          expect(order.source.platform).toBeTruthy();
        } catch (err) {
          if (!(err instanceof MappingError)) throw err;
          expect(err.message.startsWith(`${seed.mappingId}: `)).toBe(true);
          expect(JSON.stringify(err)).not.toContain(dir);
          expect(Reflect.get({}, 'polluted')).toBeUndefined();
        }
      }),
      { seed: SEED, numRuns: 1000 },
    );
  }, 120_000);
});
