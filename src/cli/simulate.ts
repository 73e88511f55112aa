import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { startEmbeddedTemporal } from '../embedded/services.js';
import type { ManagedProcess } from '../embedded/process.js';
import { createLogger } from '../logger.js';
import { freePort, WORLD_PLATFORMS } from '../sandbox/world.js';
import { simulateDay } from '../simulate/day.js';
import { formatReport } from '../simulate/report.js';
import { installTemporalLogger } from '../temporal/runtime-logger.js';

const Options = z
  .object({
    seed: z.coerce.number().int().nonnegative(),
    orders: z.coerce.number().int().min(1).max(5_000),
    speed: z.coerce.number().min(1).max(3_600),
    faults: z.boolean(),
    report: z.enum(['text', 'json']),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    shadow: z.enum(WORLD_PLATFORMS).optional(),
  })
  .strict();

/**
 * `zhongshu simulate`: a seeded shop day against the sandbox world. With TEMPORAL_ADDRESS and
 * REDIS_URL unset it runs a throw-away Temporal dev server (and the day its own redis-server) (like `zhongshu start`,
 * but in a temporary directory). Exit 1 on any invariant violation.
 */
export async function simulateCommand(raw: Record<string, unknown>): Promise<number> {
  const parsed = Options.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) process.stderr.write(`--${i.path.join('.')}: ${i.message}\n`);
    return 2;
  }
  const o = parsed.data;
  const logger = createLogger({ level: o.logLevel === 'silent' ? 'error' : o.logLevel, name: 'simulate' });
  installTemporalLogger(logger);
  const children: ManagedProcess[] = [];
  let dataDir: string | null = null;
  let temporalAddress = process.env['TEMPORAL_ADDRESS'] || undefined;
  const redisUrl = process.env['REDIS_URL'] || undefined;
  const say = (l: string) => process.stderr.write(`[simulate] ${l}\n`);
  // SIGTERM or Ctrl-C stops the day: its waits end, it closes the hub, the sandboxes and the
  // servers it started, and the command exits 128 + the signal's number, as a killed process would.
  const stop = new AbortController();
  // Every pending wait of the day listens on it (hundreds of order scripts at once).
  setMaxListeners(0, stop.signal);
  const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
  let stoppedBy: keyof typeof SIGNAL_EXIT | null = null;
  const onSignal = (sig: keyof typeof SIGNAL_EXIT) => () => {
    if (stoppedBy) return;
    stoppedBy = sig;
    say(`${sig}: stopping the day and closing what it started`);
    stop.abort(new Error(`stopped by ${sig}`));
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  for (const [sig, h] of Object.entries(handlers)) process.on(sig, h);
  try {
    if (!temporalAddress) {
      dataDir = await mkdtemp(path.join(tmpdir(), 'zhongshu-sim-'));
      const t = await startEmbeddedTemporal({ dataDir: path.join(dataDir, 'temporal'), port: await freePort(), uiPort: null, namespace: 'default', fastSqlite: true, logger });
      children.push(t.process);
      temporalAddress = t.address;
      say(`embedded Temporal dev server on ${t.address}`);
    }
    // Without REDIS_URL the day runs its own redis-server, which the redis-restart fault restarts.
    stop.signal.throwIfAborted();
    const report = await simulateDay({ seed: o.seed, orders: o.orders, speed: o.speed, faults: o.faults, temporalAddress, ...(redisUrl ? { redisUrl } : {}), logLevel: o.logLevel, progress: say, signal: stop.signal, ...(o.shadow ? { shadow: o.shadow } : {}) });
    process.stdout.write(o.report === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.violations > 0 ? 1 : 0;
  } catch (err) {
    if (!stoppedBy) throw err;
    say(`stopped by ${stoppedBy}: no report (the day did not finish)`);
    return SIGNAL_EXIT[stoppedBy];
  } finally {
    for (const [sig, h] of Object.entries(handlers)) process.off(sig, h);
    await Promise.all(children.reverse().map((c) => c.stop()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}
