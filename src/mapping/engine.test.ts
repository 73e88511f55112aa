import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type Logger } from '../logger.js';
import { MappingEngine, MappingError } from './engine.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zs-map-'));
  await mkdir(path.join(dir, 'demo'));
  await mkdir(path.join(dir, '_tables'));
  await writeFile(path.join(dir, '_tables', 'colors.json'), JSON.stringify({ r: 'red', g: 'green' }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function engineWith(files: Record<string, string>, limits = {}, logger?: Logger) {
  for (const [name, src] of Object.entries(files)) await writeFile(path.join(dir, 'demo', name), src);
  const e = new MappingEngine({ dir, limits, ...(logger ? { logger } : {}) });
  await e.loadAll();
  return e;
}

async function failure(p: Promise<unknown>): Promise<MappingError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error('expected a MappingError');
}

describe('MappingEngine', () => {
  it('evaluates with the function library and tables', async () => {
    const e = await engineWith({ 'x.v1.jsonata': '{ "c": $lookup("colors", code), "m": $toMinor(price, "CNY") }' });
    expect(await e.evaluate('demo/x.v1', { code: 'r', price: '323.58' })).toEqual({ c: 'red', m: 32358 });
    const err = await failure(e.evaluate('demo/x.v1', { code: 'b', price: '1' }));
    expect(err.message).toMatch(/value "b" is not in table "colors"/);
    expect(err.file).toContain(path.join('demo', 'x.v1.jsonata'));
  });

  it('stops infinite recursion with a clear error, quickly, without affecting other payloads', async () => {
    const e = await engineWith({ 'loop.v1.jsonata': '( $f := function($n) { $f($n + 1) }; $f(0) )', 'ok.v1.jsonata': '{"v": v}' });
    const t0 = Date.now();
    const [bad, good] = await Promise.allSettled([e.evaluate('demo/loop.v1', {}), e.evaluate('demo/ok.v1', { v: 1 })]);
    expect(Date.now() - t0).toBeLessThan(5000); // generous: the limit itself is asserted by the error below
    expect(bad.status).toBe('rejected');
    if (bad.status === 'rejected') expect(String(bad.reason.message)).toMatch(/stack depth limit|time limit/);
    expect(good).toEqual({ status: 'fulfilled', value: { v: 1 } });
  });

  it('refuses a 10^9-element range and a sequence past the limit', async () => {
    const e = await engineWith({ 'big.v1.jsonata': '$count([1..1000000000])', 'seq.v1.jsonata': '$count([1..200000].($ * 2))' }, { maxSequence: 100_000 });
    expect((await failure(e.evaluate('demo/big.v1', {}))).message).toMatch(/10\^7|range/);
    expect((await failure(e.evaluate('demo/seq.v1', {}))).message).toMatch(/sequence exceeded the limit of 100000|time limit/);
  });

  it('bounds a long-running expression by the time limit, on its retry too', async () => {
    const logged: string[] = [];
    const logger = createLogger({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
    const e = await engineWith({ 'slow.v1.jsonata': '$sum([1..5000000].($ % 7))' }, { timeoutMs: 100, maxSequence: 10_000_000 }, logger);
    const err = await failure(e.evaluate('demo/slow.v1', {}));
    expect(err.code).toBe('D1012');
    expect(err.message).toMatch(/100 ms time limit/);
    // It was tried twice: one logged retry, then the failure.
    expect(logged.filter((l) => l.includes('retried once') && l.includes('demo/slow.v1'))).toHaveLength(1);
  });

  it('retries once when a stall, not the mapping, ran out its time limit (a runaway fails both times: test above)', async () => {
    const e = await engineWith({ 'quick.v1.jsonata': '{"n": n, "s": $sum([1..200])}' }, { timeoutMs: 100 });
    // The machine stalls for a second in the middle of the first evaluation: JSONata's clock jumps.
    const real = Date.now.bind(Date);
    let calls = 0;
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => real() + (++calls > 5 && calls < 1_000_000 ? 1_000 : 0));
    try {
      expect(await e.evaluate('demo/quick.v1', { n: 1 })).toEqual({ n: 1, s: 20100 });
      // The first attempt did hit the limit: the jump happened during it.
      expect(calls).toBeGreaterThan(5);
    } finally {
      spy.mockRestore();
    }
  });

  it('runs concurrent evaluations one at a time, so the time limit measures each one\'s own work', async () => {
    // Each evaluation does some tens of milliseconds of work. Interleaved (as JSONata does when
    // evaluations overlap), forty of them each needed forty times that on the wall clock and blew
    // a limit none of them came near alone.
    const e = await engineWith({ 'work.v1.jsonata': '{"n": n, "s": $sum([1..10000].($ * 2))}' }, { timeoutMs: 1_000, maxSequence: 1_000_000 });
    const finished: number[] = [];
    const runs = Array.from({ length: 40 }, (_, n) => e.evaluate('demo/work.v1', { n }).then((out) => (finished.push(n), out)));
    const results = await Promise.allSettled(runs);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.status === 'rejected' ? String(r.reason) : ''))).toEqual([]);
    expect(finished).toEqual(Array.from({ length: 40 }, (_, n) => n)); // first come, first mapped
    // A failure does not stall the queue behind it.
    const [bad, good] = await Promise.allSettled([e.evaluate('demo/work.v1', null).then(() => e.evaluate('demo/missing.v1', {})), e.evaluate('demo/work.v1', { n: 41 })]);
    expect(bad.status).toBe('rejected');
    expect(good).toMatchObject({ status: 'fulfilled', value: { n: 41 } });
  });

  it('reports a file that does not compile, with its position, and keeps the previous version on reload', async () => {
    const e = await engineWith({ 'x.v1.jsonata': '{"a": 1}', 'broken.v1.jsonata': '{"a": ' });
    expect(e.errors().get('demo/broken.v1')).toMatch(/broken\.v1\.jsonata/);
    expect((await failure(e.evaluate('demo/broken.v1', {}))).code).toBe('E_MAPPING_NOT_FOUND');
    await writeFile(path.join(dir, 'demo', 'x.v1.jsonata'), '{"a": '); // a typo during development
    expect(await e.loadOne({ id: 'demo/x.v1', adapter: 'demo', name: 'x', version: 1 })).toBe(false);
    expect(await e.evaluate('demo/x.v1', {})).toEqual({ a: 1 });
    expect(e.list().find((m) => m.id === 'demo/x.v1')?.error).toBeTruthy();
    await writeFile(path.join(dir, 'demo', 'x.v1.jsonata'), '{"a": 2}');
    expect(await e.loadOne({ id: 'demo/x.v1', adapter: 'demo', name: 'x', version: 1 })).toBe(true);
    expect(await e.evaluate('demo/x.v1', {})).toEqual({ a: 2 });
  });

  it('hot-reloads a changed file when watching', async () => {
    const e = await engineWith({ 'x.v1.jsonata': '{"a": 1}' });
    e.watch();
    await new Promise((r) => setTimeout(r, 100));
    await writeFile(path.join(dir, 'demo', 'x.v1.jsonata'), '{"a": 3}');
    let v: unknown;
    for (let i = 0; i < 50; i++) {
      v = await e.evaluate('demo/x.v1', {});
      if (JSON.stringify(v) === '{"a":3}') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await e.close();
    expect(v).toEqual({ a: 3 });
  });

  it('refuses a mapping that evaluates data as code ($eval), naming the file and the reason', async () => {
    const e = await engineWith({
      'direct.v1.jsonata': '$eval(lines_json)',
      'aliased.v1.jsonata': '( $run := $eval; $run(code) )',
      'fine.v1.jsonata': '{ "lines": $parseJson(lines_json), "note": "$eval in a string is text" }',
    });
    for (const id of ['demo/direct.v1', 'demo/aliased.v1']) {
      expect(e.errors().get(id)).toMatch(new RegExp(`${id.replace('demo/', '').replace('.', '\\.')}\\.jsonata: .*\\$eval.*\\$parseJson`));
      expect((await failure(e.evaluate(id, { lines_json: '[]', code: '1' }))).code).toBe('E_MAPPING_NOT_FOUND');
    }
    expect(await e.evaluate('demo/fine.v1', { lines_json: '[1]' })).toEqual({ lines: [1], note: '$eval in a string is text' });
    // A draft (dry run of an unreleased mapping) is held to the same rule.
    expect(() => e.compileDraft('demo/draft.v1', '$eval("1+1")')).toThrow(/\$eval/);
  });

  it('errors name the mapping id, never a file system path, and mask buyer PII the message would echo', async () => {
    const e = await engineWith({ 'cast.v1.jsonata': '{ "phone": $number(receiver.phone), "n": $number(qty) }', 'fn.v1.jsonata': '$toMinor(buyer_name)' });
    const err = await failure(e.evaluate('demo/cast.v1', { receiver: { phone: '138-0013-8000' }, qty: 1 }));
    expect(err.message).toMatch(/^demo\/cast\.v1: /);
    expect(err.message).not.toContain('138-0013-8000');
    expect(err.message).toContain('***');
    for (const text of [err.message, JSON.stringify(err)]) {
      expect(text).not.toContain(dir);
      expect(text).not.toContain('.jsonata');
    }
    // A non-PII value stays readable: it is what the engineer needs to fix the mapping.
    expect((await failure(e.evaluate('demo/cast.v1', { receiver: {}, qty: 'two' }))).message).toContain('"two"');
    const fnErr = await failure(e.evaluate('demo/fn.v1', { buyer_name: '王小明' }));
    expect(fnErr.message).toMatch(/^demo\/fn\.v1: \$toMinor: /);
    expect(fnErr.message).not.toContain('王小明');
    const missing = await failure(e.evaluate('demo/none.v1', {}));
    expect(missing.message).not.toContain(dir);
  });

  it('names unknown and malformed mapping ids', async () => {
    const e = await engineWith({});
    expect((await failure(e.evaluate('demo/none.v1', {}))).code).toBe('E_MAPPING_NOT_FOUND');
    expect((await failure(e.evaluate('nonsense', {}))).code).toBe('E_MAPPING_ID');
  });
});
