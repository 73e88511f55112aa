import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MappingEngine } from '../src/mapping/engine.js';
import { discoverFixtures, runFixture } from '../src/mapping/fixtures.js';

// Every fixture pair under mappings/ runs here (and through `zhongshu mappings test`).
const dir = path.resolve(import.meta.dirname);
// Fixtures test correctness; the time limit is tested in src/mapping/engine.test.ts and a loaded
// CI machine must not turn a 200-line fixture into a flaky failure.
const engine = new MappingEngine({ dir, limits: { timeoutMs: 10_000 } });
await engine.loadAll();
const fixtures = await discoverFixtures(dir);

describe('mapping fixtures', () => {
  it('every mapping file compiles', () => {
    expect([...engine.errors().entries()]).toEqual([]);
  });
  it.each(fixtures.map((f) => [`${f.mappingId} ${f.name}`, f] as const))('%s', async (_name, f) => {
    const r = await runFixture(engine, f);
    expect(r.diff, r.diff.join('\n')).toEqual([]);
  });
});
