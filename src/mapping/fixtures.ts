import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseJsonSafe } from '../util/json.js';
import { errorMessage } from '../util/errors.js';
import { MappingError, parseMappingId, type MappingEngine } from './engine.js';
import { mapInboundOrder, type InboundContext } from './inbound.js';

/**
 * Fixture pairs live beside the mappings they test:
 *   mappings/<adapter>/__fixtures__/<name>.v<N>/<case>.input.json      the platform payload
 *   mappings/<adapter>/__fixtures__/<name>.v<N>/<case>.expected.json   the canonical order
 *   mappings/<adapter>/__fixtures__/<name>.v<N>/<case>.context.json    optional context overrides
 * An expected file of the form {"$error": "substring"} asserts that mapping fails with that message.
 */
export interface Fixture {
  mappingId: string;
  name: string;
  inputFile: string;
  expectedFile: string;
  contextFile: string | null;
}

export function fixtureContext(adapter: string): InboundContext {
  return { platform: adapter, channel: `${adapter}-fixture`, shop: 'fixture-shop', currency: 'CNY', receivedAt: '2026-01-01T00:00:00+08:00' };
}

export async function discoverFixtures(dir: string, only?: string): Promise<Fixture[]> {
  const out: Fixture[] = [];
  const adapters = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && !d.name.startsWith('_'));
  for (const a of adapters) {
    const fdir = path.join(dir, a.name, '__fixtures__');
    let versions: string[] = [];
    try {
      versions = (await readdir(fdir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      continue;
    }
    for (const v of versions) {
      const mappingId = `${a.name}/${v}`;
      if (!parseMappingId(mappingId)) continue;
      if (only && only !== mappingId && only !== a.name) continue;
      const files = await readdir(path.join(fdir, v));
      for (const f of files.filter((x) => x.endsWith('.input.json')).sort()) {
        const name = f.slice(0, -'.input.json'.length);
        const ctx = `${name}.context.json`;
        out.push({
          mappingId,
          name,
          inputFile: path.join(fdir, v, f),
          expectedFile: path.join(fdir, v, `${name}.expected.json`),
          contextFile: files.includes(ctx) ? path.join(fdir, v, ctx) : null,
        });
      }
    }
  }
  return out;
}

export interface FixtureResult {
  fixture: Fixture;
  ok: boolean;
  /** Human-readable differences, `path: expected X, got Y`. */
  diff: string[];
  actual?: unknown;
}

export function diffJson(expected: unknown, actual: unknown, at = '$', out: string[] = []): string[] {
  if (out.length > 50) return out;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${at}: expected ${expected.length} items, got ${actual.length}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) diffJson(expected[i], actual[i], `${at}[${i}]`, out);
    return out;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of [...keys].sort()) {
      const e: unknown = Object.getOwnPropertyDescriptor(expected, k)?.value;
      const a: unknown = Object.getOwnPropertyDescriptor(actual, k)?.value;
      if (e === undefined && a !== undefined) out.push(`${at}.${k}: unexpected ${JSON.stringify(a)}`);
      else if (a === undefined && e !== undefined) out.push(`${at}.${k}: missing, expected ${JSON.stringify(e)}`);
      else diffJson(e, a, `${at}.${k}`, out);
    }
    return out;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  return out;
}

async function readJson(file: string): Promise<unknown> {
  return parseJsonSafe(await readFile(file, 'utf8'));
}

export async function runFixture(engine: MappingEngine, f: Fixture): Promise<FixtureResult> {
  const ref = parseMappingId(f.mappingId);
  const base = fixtureContext(ref?.adapter ?? 'unknown');
  let expected: unknown;
  try {
    expected = await readJson(f.expectedFile);
  } catch (err) {
    return { fixture: f, ok: false, diff: [`cannot read ${path.basename(f.expectedFile)}: ${errorMessage(err)}`] };
  }
  const ctxOverride = f.contextFile ? await readJson(f.contextFile) : {};
  const ctx: InboundContext = { ...base, ...(typeof ctxOverride === 'object' && ctxOverride !== null ? ctxOverride : {}) };
  const expectError = typeof expected === 'object' && expected !== null && '$error' in expected && typeof expected.$error === 'string' ? expected.$error : null;
  try {
    const actual = await mapInboundOrder(engine, f.mappingId, await readJson(f.inputFile), ctx);
    if (expectError !== null) return { fixture: f, ok: false, diff: [`expected an error containing "${expectError}", but mapping succeeded`], actual };
    const diff = diffJson(expected, actual);
    return { fixture: f, ok: diff.length === 0, diff, actual };
  } catch (err) {
    const msg = err instanceof MappingError ? `${err.message}${err.issues.length ? `\n  ${err.issues.map((i) => `${i.path}: ${i.message}`).join('\n  ')}` : ''}` : errorMessage(err);
    if (expectError !== null && msg.includes(expectError)) return { fixture: f, ok: true, diff: [] };
    return { fixture: f, ok: false, diff: [`mapping failed: ${msg}`] };
  }
}
