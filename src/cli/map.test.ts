import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { mappingsTestCommand } from './map.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zs-maptest-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

it('`mappings test` fails a mapping that uses $eval, naming the file and the reason, even when its fixtures pass', async () => {
  await mkdir(path.join(dir, 'erp', '__fixtures__', 'order.v1'), { recursive: true });
  await writeFile(path.join(dir, 'erp', 'order.v1.jsonata'), '{ "lines": $eval(lines_json) }');
  await writeFile(path.join(dir, 'erp', 'ok.v1.jsonata'), '{ "lines": $parseJson(lines_json) }');
  await writeFile(path.join(dir, 'erp', '__fixtures__', 'order.v1', 'a.input.json'), '{"lines_json": "[1]"}');
  await writeFile(path.join(dir, 'erp', '__fixtures__', 'order.v1', 'a.expected.json'), '{"$error": "uses $eval"}');
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  expect(await mappingsTestCommand(undefined, { dir })).toBe(1);
  const text = out.join('');
  expect(text).toMatch(/FAIL compile erp\/order\.v1: \S*erp\/order\.v1\.jsonata: uses \$eval, which runs payload text as code; parse JSON text fields with \$parseJson instead/);
  expect(text).not.toMatch(/FAIL compile erp\/ok\.v1/);
  expect(text).toMatch(/mappings: 1 passed, 1 failed/);
});
