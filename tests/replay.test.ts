import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { HISTORY_DIR } from './support/histories.js';

/** Saved histories of every workflow path, replayed against the current workflow code. */
const files = (await readdir(HISTORY_DIR)).filter((f) => f.endsWith('.json')).sort();

describe('workflow determinism (replay of saved histories)', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });
  it.each(files)('%s replays without non-determinism', async (file) => {
    // The worker converts the exported JSON itself.
    const history: unknown = JSON.parse(await readFile(path.join(HISTORY_DIR, file), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file.replace(/\.json$/, ''))).resolves.toBeUndefined();
  });
});
