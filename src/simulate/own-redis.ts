import path from 'node:path';
import { startEmbeddedRedis } from '../embedded/services.js';
import type { ManagedProcess } from '../embedded/process.js';
import { createLogger } from '../logger.js';
import { freePort } from '../sandbox/world.js';

/** The day's own redis-server, which the redis-restart fault may stop and start again. */
export interface OwnRedis {
  readonly url: string;
  /** Stops redis-server (SIGTERM: it writes its append-only file), waits `downMs`, starts it again on the same port and data directory. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(scratch: string): Promise<OwnRedis> {
  const logger = createLogger({ level: 'error', name: 'sim-redis' });
  const port = await freePort();
  const dataDir = path.join(scratch, 'redis-data');
  let proc: ManagedProcess = (await startEmbeddedRedis({ dataDir, port, logger })).process;
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs) {
      await proc.stop();
      await new Promise((r) => setTimeout(r, downMs));
      proc = (await startEmbeddedRedis({ dataDir, port, logger })).process;
    },
    stop: () => proc.stop(),
  };
}
