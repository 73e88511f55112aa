import { z } from 'zod';
import { parseConfig } from '../config/load.js';
import type { HubConfig } from '../config/schema.js';

/**
 * Everything a simulated hub process needs to build its config: the raw document and the env
 * its ${SECRET} references resolve from, and the day's speed. The HTTP hub and the worker child
 * process build their config from the same spec, so both run the same compressed shop time.
 */
export const SimHubSpec = z.object({
  raw: z.record(z.string(), z.unknown()),
  env: z.record(z.string(), z.string()),
  speed: z.number().positive(),
  temporalAddress: z.string().min(1),
  redisUrl: z.string().min(1),
  /** The order store's PostgreSQL (the worker writes the lifecycle's projection into it). */
  databaseUrl: z.string().min(1).optional(),
  /** A pre-built workflow bundle (tests); absent: the worker bundles workflows/ itself. */
  workflowBundlePath: z.string().min(1).optional(),
  logLevel: z.string().min(1),
});
export type SimHubSpec = z.output<typeof SimHubSpec>;

/** The unpaid countdown of a day at `speed`: 30 shop minutes. */
export const unpaidLockMsAt = (speed: number): number => (30 * 60_000) / speed;

export function simHubConfig(spec: SimHubSpec): HubConfig {
  const parsed = parseConfig(spec.raw, spec.env);
  if (!parsed.ok) throw new Error(`simulate: hub config invalid: ${JSON.stringify(parsed.problems)}`);
  const config = parsed.config;
  // Shop time runs `speed` times faster. The config schema keeps these >= 1 for operators; the
  // parsed object is set directly, which is the simulator's (documented) test-only shortcut.
  config.lifecycle.unpaidLockMinutes = unpaidLockMsAt(spec.speed) / 60_000;
  config.lifecycle.unpaidCloseHours = 2 / spec.speed;
  config.lifecycle.expirySweepSeconds = 5;
  return config;
}
