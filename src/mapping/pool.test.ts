import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAPPING_LANE, MappingEngine, MappingError, MappingOverloadError, MappingUnavailableError } from './engine.js';
import type { MappingPoolOptions } from './pool.js';

// A catastrophic regex inside the mapping itself: JSONata's own time limit is checked between
// steps and cannot interrupt it; only terminating the thread can.
const BOMB = '$match(s, /(a+)+$/)';
const BOMB_INPUT = { s: `${'a'.repeat(32)}!` };

let dir: string;
let engine: MappingEngine | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zs-pool-'));
  await mkdir(path.join(dir, 'demo'));
  await mkdir(path.join(dir, '_tables'));
  await writeFile(path.join(dir, '_tables', 'colors.json'), JSON.stringify({ r: 'red' }));
  await writeFile(path.join(dir, 'demo', 'bomb.v1.jsonata'), BOMB);
  await writeFile(path.join(dir, 'demo', 'hog.v1.jsonata'), '$count([1..2000].{ "x": [1..1000].{ "a": [$, $, $] } })');
  await writeFile(path.join(dir, 'demo', 'ok.v1.jsonata'), '{ "c": $lookup("colors", code), "lines": $parseJson(lines_json, "lines_json"), "ctx": $context.channel }');
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function pooled(overrides: Partial<MappingPoolOptions> = {}, limits = {}) {
  engine = new MappingEngine({
    dir,
    limits,
    pool: { lanes: { default: { threads: 1, queue: 1 }, dryRun: { threads: 1, queue: 0 } }, deadlineMs: 1500, workerMemoryMb: 64, ...overrides },
  });
  await engine.loadAll();
  return engine;
}

function settled(p: Promise<unknown>): { readonly done: boolean } {
  const s = { done: false };
  p.then(
    () => (s.done = true),
    () => (s.done = true),
  );
  return s;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('MappingEngine in worker threads', () => {
  it('evaluates with the function library, tables and context, exactly as inline', async () => {
    const e = await pooled();
    const input = { code: 'r', lines_json: '[{"oid": 3961832129218290891}]' };
    const inline = new MappingEngine({ dir });
    await inline.loadAll();
    const expected = { c: 'red', lines: [{ oid: '3961832129218290891' }], ctx: 'ch-1' };
    expect(await e.evaluate('demo/ok.v1', input, { channel: 'ch-1' })).toEqual(expected);
    expect(await inline.evaluate('demo/ok.v1', input, { channel: 'ch-1' })).toEqual(expected);
    const err = await failure(e.evaluate('demo/ok.v1', { code: 'x' }));
    expect(err).toBeInstanceOf(MappingError);
    expect(err).toMatchObject({ code: 'E_FUNCTION', mappingId: 'demo/ok.v1' });
  });

  it('stops a runaway regex at the hard deadline while the event loop keeps running, then maps again', async () => {
    const e = await pooled();
    const bomb = e.evaluate('demo/bomb.v1', BOMB_INPUT);
    const state = settled(bomb);
    // A timer can only fire if the event loop is free; inline, the regex held it for many seconds.
    await new Promise((r) => setTimeout(r, 20));
    expect(state.done).toBe(false);
    const err = await failure(bomb);
    expect(err).toBeInstanceOf(MappingError);
    expect(err).toMatchObject({ code: 'E_DEADLINE', message: expect.stringMatching(/1500 ms hard deadline/) });
    // The killed thread was replaced.
    expect(await e.evaluate('demo/ok.v1', { code: 'r' }, { channel: 'c' })).toMatchObject({ c: 'red' });
  });

  it('refuses work past the queue bound with an overload error instead of queueing forever', async () => {
    const e = await pooled();
    const running = e.evaluate('demo/bomb.v1', BOMB_INPUT).catch((err: unknown) => err);
    const queued = e.evaluate('demo/ok.v1', { code: 'r' }, { channel: 'c' });
    const refused = await failure(e.evaluate('demo/ok.v1', { code: 'r' }));
    expect(refused).toBeInstanceOf(MappingOverloadError);
    expect(refused).toMatchObject({ lane: 'default', queue: 1 });
    expect(await running).toMatchObject({ code: 'E_DEADLINE' });
    // The queued evaluation ran once the slot was free.
    expect(await queued).toMatchObject({ c: 'red' });
  });

  it('runs dry runs in their own lane: a stuck intake lane does not block them', async () => {
    const e = await pooled();
    const stuck = e.evaluate('demo/bomb.v1', BOMB_INPUT).catch((err: unknown) => err);
    const state = settled(stuck);
    expect(await e.evaluate('demo/ok.v1', { code: 'r' }, { channel: 'dry' }, { lane: MAPPING_LANE.dryRun })).toMatchObject({ ctx: 'dry' });
    expect(state.done).toBe(false);
    expect(await stuck).toMatchObject({ code: 'E_DEADLINE' });
  });

  it('a payload that blows the worker heap fails as a mapping error; the next one maps', async () => {
    // Time limits far away, so the heap cap is what stops it (two million objects against 64 MiB).
    const e = await pooled({ deadlineMs: 60_000 }, { timeoutMs: 30_000 });
    const err = await failure(e.evaluate('demo/hog.v1', {}));
    expect(err).toBeInstanceOf(MappingError);
    expect(err).toMatchObject({ code: 'E_WORKER' });
    expect(await e.evaluate('demo/ok.v1', { code: 'r' }, { channel: 'c' })).toMatchObject({ c: 'red' });
  }, 90_000);

  it('an evaluation cut short by shutdown is not the payload\'s fault: unavailable, not a mapping error', async () => {
    const e = await pooled();
    const running = e.evaluate('demo/bomb.v1', BOMB_INPUT).catch((err: unknown) => err);
    const queued = e.evaluate('demo/ok.v1', { code: 'r' }).catch((err: unknown) => err);
    await new Promise((r) => setImmediate(r));
    await e.close();
    engine = undefined;
    for (const err of await Promise.all([running, queued])) {
      expect(err).toBeInstanceOf(MappingUnavailableError);
      expect(err).not.toBeInstanceOf(MappingError);
    }
    expect(await failure(e.evaluate('demo/ok.v1', { code: 'r' }))).toBeInstanceOf(MappingUnavailableError);
  });
});

describe('inputs the thread boundary cannot carry', () => {
  it('a payload nested thousands deep fails as a MappingError naming the limit, pooled or inline, never a RangeError', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = [deep];
    const input = { code: 'r', lines_json: '[]', note: deep };
    const e = await pooled();
    const err = await e.evaluate('demo/ok.v1', input).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(MappingError);
    expect(err).toMatchObject({ code: 'E_INPUT_DEPTH', message: expect.stringMatching(/^demo\/ok\.v1: input nests deeper than \d+ levels/) });
    // A realistic order is far shallower: it still maps.
    expect(await e.evaluate('demo/ok.v1', { code: 'r', lines_json: '[]', note: [[[['ok']]]] })).toMatchObject({ c: 'red' });
  });
});
