import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { HISTORY_DIR } from './support/histories.js';

const Saved = z.object({ workflowId: z.string().min(1), history: z.object({ events: z.array(z.unknown()).min(1) }).loose() });

/** Saved histories of every workflow path, replayed against the current workflow code. */
const files = (await readdir(HISTORY_DIR)).filter((f) => f.endsWith('.json')).sort();

describe('workflow determinism (replay of saved histories)', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });
  it.each(files)('%s replays without non-determinism', async (file) => {
    const saved = Saved.parse(JSON.parse(await readFile(path.join(HISTORY_DIR, file), 'utf8')));
    // The worker converts the exported JSON history itself.
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, saved.history, saved.workflowId)).resolves.toBeUndefined();
  });
});
