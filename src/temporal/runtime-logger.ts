import { Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import type { Logger } from '../logger.js';

let installed = false;

/**
 * Sends the Temporal SDK's own log lines (worker state, core) through pino, so the hub's stdout
 * stays one JSON stream. Runtime.install may run once per process, before any worker exists.
 * `metricsAddress`: the SDK core also serves its worker metrics for Prometheus there (sdk-metrics.ts).
 */
export function installTemporalLogger(logger: Logger, level: LogLevel = 'WARN', metricsAddress: string | null = null): void {
  if (installed) return;
  installed = true;
  const child = logger.child({ component: 'temporal-sdk' });
  const order: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
  const min = order.indexOf(level);
  const log = (l: LogLevel, message: string, meta?: LogMetadata) => {
    if (order.indexOf(l) < min) return;
    const fields = meta ?? {};
    if (l === 'ERROR') child.error(fields, message);
    else if (l === 'WARN') child.warn(fields, message);
    else if (l === 'INFO') child.info(fields, message);
    else child.debug(fields, message);
  };
  Runtime.install({
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, useSecondsForDurations: true } } } } : {}),
    logger: {
      log,
      trace: (m, meta) => log('TRACE', m, meta),
      debug: (m, meta) => log('DEBUG', m, meta),
      info: (m, meta) => log('INFO', m, meta),
      warn: (m, meta) => log('WARN', m, meta),
      error: (m, meta) => log('ERROR', m, meta),
    },
  });
}
