import { z } from 'zod';
import { envBool, envInt, type Env } from '../config/env-ref.js';

/**
 * Defaults of the fields below, applied where they are used rather than by the schema: a field the
 * config did not give stays absent, so a channel whose polling is not a shop poll (an ERP channel)
 * can be told that a field it sets has no effect there, instead of ignoring it silently.
 */
export const CHANNEL_POLL_DEFAULTS = { everyMinutes: 2, maxWindowsPerRun: 48 } as const;

/**
 * `channels[].poll`: how a shop is pulled. The connector's own `polling` block (window, overlap)
 * is the default; these per-channel overrides win, and are still checked against the
 * platform's ceiling when the policy is built (src/polling/policy.ts).
 */
export function channelPollSchema(env: Env) {
  return z
    .object({
      /**
       * Unset: on when the channel's connector offers order.pull. false: no schedule (an existing one
       * is deleted at the next start; the cursor is kept). To pause a shop briefly, pause its schedule.
       */
      enabled: envBool(env).optional(),
      /** Schedule interval (default 2). The seeds poll every 15 min; 2 keeps the paid-to-WMS path fast. */
      everyMinutes: envInt(env, { min: 1, max: 24 * 60 }).optional(),
      windowMinutes: envInt(env, { min: 1 }).optional(),
      overlapSeconds: envInt(env, { min: 0, max: 3600 }).optional(),
      /** How far back the very first poll (no cursor yet) reads; default one window. */
      initialLookbackMinutes: envInt(env, { min: 1 }).optional(),
      /** Windows one run reads at most (default 48); after an outage the next runs continue the catch-up. */
      maxWindowsPerRun: envInt(env, { min: 1, max: 500 }).optional(),
      /** A notifier connector (alert.send) told when a range could not be read any more. */
      alertConnector: z.string().optional(),
    })
    .strict()
    .prefault({});
}

export type ChannelPollConfig = z.output<ReturnType<typeof channelPollSchema>>;
