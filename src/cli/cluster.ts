import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { startTemporalCluster, TEMPORAL_SERVICES } from '../deploy/temporal-cluster.js';
import { createLogger } from '../logger.js';

const Options = z
  .object({
    port: z.coerce.number().int().min(1).max(65_535),
    namespace: z.string().min(1),
    keepLogs: z.boolean().optional(),
  })
  .strict();

/**
 * `zhongshu cluster up`: the production topology's Temporal in the foreground (a throwaway
 * PostgreSQL, the four services as processes from deploy/temporal/config) until Ctrl-C, which is
 * the `down`. Point hubs at it with TEMPORAL_ADDRESS. Nothing outlives it: for a durable cluster
 * use docker-compose.yml, which runs the same config.
 */
export async function clusterUpCommand(raw: Record<string, unknown>): Promise<number> {
  const parsed = Options.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) process.stderr.write(`--${i.path.join('.')}: ${i.message}\n`);
    return 2;
  }
  const o = parsed.data;
  const logger = createLogger({ level: 'warn', name: 'cluster' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-cluster-'));
  const cluster = await startTemporalCluster({ dataDir, logger, namespace: o.namespace, frontendPort: o.port });
  const lines = [
    'Temporal cluster is up (frontend, history, matching, worker on PostgreSQL)',
    `  TEMPORAL_ADDRESS=${cluster.address}   namespace: ${cluster.namespace}`,
    `  PostgreSQL:  127.0.0.1:${cluster.postgresPort}`,
    ...TEMPORAL_SERVICES.map((s) => `  ${s.padEnd(9)} metrics: http://127.0.0.1:${cluster.metricsPorts[s]}/metrics`),
    `  logs:        ${dataDir}`,
    'Ctrl-C stops it and removes its database.',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await cluster.stop();
  if (!o.keepLogs) await rm(dataDir, { recursive: true, force: true });
  process.stderr.write('stopped.\n');
  return 0;
}
