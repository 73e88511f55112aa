import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MappingEngine, MappingError } from '../mapping/engine.js';
import { discoverFixtures, fixtureContext, runFixture } from '../mapping/fixtures.js';
import { mapInboundOrder } from '../mapping/inbound.js';
import { parseJsonSafe } from '../util/json.js';
import { errorMessage } from '../util/errors.js';

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString('utf8');
}

async function engineFor(dir: string): Promise<MappingEngine> {
  // Offline tools check correctness, not speed: a generous limit keeps a busy machine from
  // failing a 200-line fixture. Runaway expressions are still stopped (depth, sequence, time).
  const engine = new MappingEngine({ dir, limits: { timeoutMs: 10_000 } });
  await engine.loadAll();
  return engine;
}

/** `zhongshu map <mappingId> <file|->`: prints the mapped, validated order or the error. */
export async function mapCommand(mappingId: string, file: string, opts: { dir: string; context?: string }): Promise<number> {
  const engine = await engineFor(opts.dir);
  let payload: unknown;
  try {
    payload = parseJsonSafe(await readInput(file));
  } catch (err) {
    process.stderr.write(`${file}: not valid JSON: ${errorMessage(err)}\n`);
    return 1;
  }
  const adapter = mappingId.split('/')[0] ?? 'unknown';
  let extra: Record<string, unknown> = {};
  if (opts.context) {
    const parsed: unknown = JSON.parse(opts.context);
    if (typeof parsed === 'object' && parsed !== null) extra = Object.fromEntries(Object.entries(parsed));
  }
  try {
    const order = await mapInboundOrder(engine, mappingId, payload, { ...fixtureContext(adapter), ...extra });
    process.stdout.write(`${JSON.stringify(order, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof MappingError) {
      process.stderr.write(`error: ${err.message}\n`);
      // Messages carry the mapping id only (they also reach HTTP answers); locally, name the file.
      if (err.file) process.stderr.write(`  in ${path.relative(process.cwd(), err.file)}\n`);
      for (const i of err.issues) process.stderr.write(`  ${i.path}: ${i.message}\n`);
      return 1;
    }
    throw err;
  }
}

/** `zhongshu mappings test [mappingId]`: runs fixture pairs, prints a diff for each mismatch. */
export async function mappingsTestCommand(only: string | undefined, opts: { dir: string }): Promise<number> {
  const engine = await engineFor(opts.dir);
  let failed = 0;
  for (const [id, msg] of engine.errors()) {
    if (only && !id.startsWith(only)) continue;
    failed++;
    process.stdout.write(`FAIL compile ${id}: ${msg}\n`);
  }
  const fixtures = await discoverFixtures(opts.dir, only);
  if (!fixtures.length) {
    process.stderr.write(`no fixtures found${only ? ` for ${only}` : ''} under ${path.resolve(opts.dir)}\n`);
    return 1;
  }
  let passed = 0;
  for (const f of fixtures) {
    const r = await runFixture(engine, f);
    if (r.ok) {
      passed++;
      process.stdout.write(`ok   ${f.mappingId} ${f.name}\n`);
    } else {
      failed++;
      process.stdout.write(`FAIL ${f.mappingId} ${f.name}\n${r.diff.map((l) => `     ${l}`).join('\n')}\n`);
    }
  }
  process.stdout.write(`mappings: ${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}
