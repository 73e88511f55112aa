import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { findTemporalBinary } from '../../src/embedded/binaries.js';
import { packageRoot } from '../../src/util/package-info.js';

const run = promisify(execFile);
export const HISTORY_DIR = path.join(packageRoot(), 'tests', 'histories');

/**
 * With RECORD_HISTORIES=1, saves a workflow's event history under tests/histories/ so that
 * tests/replay.test.ts replays it against every later version of the workflow code: a change
 * that is not deterministic (not behind `patched()`) then fails CI. Record after an intended,
 * patched change, never to silence a replay failure. The temporal CLI writes the same JSON an
 * SRE would export from the web UI (the SDK's own historyToJSON trips over two protobufjs copies).
 */
export async function recordHistory(workflowId: string, name: string, from: { address?: string; runId?: string } = {}): Promise<void> {
  if (process.env['RECORD_HISTORIES'] !== '1') return;
  // `address`: a workflow test's own time-skipping server; `runId`: one run of a chain (continue-as-new).
  const args = ['workflow', 'show', '--address', from.address ?? inject('temporalAddress'), '--workflow-id', workflowId, ...(from.runId ? ['--run-id', from.runId] : []), '-o', 'json'];
  const { stdout } = await run(findTemporalBinary(), args, { maxBuffer: 64 * 1024 * 1024 });
  await mkdir(HISTORY_DIR, { recursive: true });
  // The workflow id travels with the history: replay needs it (child workflow ids derive from it).
  await writeFile(path.join(HISTORY_DIR, `${name}.json`), `${JSON.stringify({ workflowId, history: JSON.parse(stdout) }, null, 1)}\n`);
}
