// Workflow bundles shared by the sections: webpack takes several seconds per bundle on a small
// machine, so each is built once per bench run, before any timing, whichever sections run.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../src/util/package-info.js';

const quietBundlerLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

export interface Bundles {
  /** workflows/ (orderLifecycle and friends), what the hub's worker runs. */
  hub: { code: string };
  /** bench/workflows.ts (the floor workflows). */
  floor: { code: string };
}

let built: Promise<Bundles> | null = null;

export function workflowBundles(): Promise<Bundles> {
  built ??= (async () => {
    // One after the other: two webpack runs at once only fight over the two cores.
    const hub = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
    const floor = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), logger: quietBundlerLogger });
    return { hub: { code: hub.code }, floor: { code: floor.code } };
  })();
  return built;
}
