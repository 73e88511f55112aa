import { readFile } from 'node:fs/promises';
import { createHub, type Hub } from '../hub.js';
import { createLogger } from '../logger.js';
import { installTemporalLogger } from '../temporal/runtime-logger.js';
import { errorMessage } from '../util/errors.js';
import { SimHubSpec, simHubConfig } from './hub-config.js';

/**
 * The simulated hub's Temporal worker as its own OS process (forked by worker-child.ts), so the
 * day can SIGKILL it mid-run the way the OOM killer or a lost node would: no drain, no goodbye to
 * Temporal, in-flight activities and sticky workflow caches simply gone. argv[2] is a JSON file
 * holding a SimHubSpec. Sends `{ ready: true }` over IPC once the worker polls.
 */
const STOP_BOUND_MS = 30_000;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('worker-process: missing spec file argument');
  const spec = SimHubSpec.parse(JSON.parse(await readFile(file, 'utf8')));
  const config = simHubConfig(spec);
  const logger = createLogger({ level: spec.logLevel === 'silent' ? 'error' : spec.logLevel, name: 'sim-worker' });
  installTemporalLogger(logger);
  const hub: Hub = await createHub(config, {
    logger,
    temporalAddress: spec.temporalAddress,
    redisUrl: spec.redisUrl,
    ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}),
    env: spec.env,
    processMetrics: false,
    worker: true,
    ...(spec.workflowBundlePath ? { workflowBundle: { codePath: spec.workflowBundlePath } } : {}),
  });
  await hub.start();
  process.send?.({ ready: true });
  const stop = () => {
    // An orphan (the simulator died) must not linger draining against a Temporal that is gone.
    setTimeout(() => process.exit(1), STOP_BOUND_MS).unref();
    void hub.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`worker-process: ${errorMessage(err)}\n`);
  process.exit(1);
});
