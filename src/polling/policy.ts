import { z } from 'zod';
import { DEFAULT_OVERLAP_MS, PAGING, PLATFORM_MAX_WINDOW_MS, PLATFORM_POLLING, type PollingPolicy } from '../../adapters/_shared/polling.js';
import type { ChannelPollConfig } from './config.js';

const MINUTE = 60_000;

/**
 * A partner adapter that offers order.pull but is no built-in platform: 30-minute windows read
 * by the same nextPage contract, no lag, the default overlap. Its connector's `polling` block
 * (windowMinutes, overlapSeconds) or the channel's overrides can change window and overlap.
 */
const GENERIC_POLICY: PollingPolicy = { maxWindowMs: 30 * MINUTE, minLagMs: 0, overlapMs: DEFAULT_OVERLAP_MS, granularityMs: 1000, paging: PAGING.LAST_PAGE_FIRST };
const GENERIC_MAX_WINDOW_MS = 24 * 60 * MINUTE;

/** The `polling` block built-in pulling connectors carry (adapters/_shared/polling.ts pollingConfig). */
const ConnectorPolling = z.object({ windowMinutes: z.number().int().positive().optional(), overlapSeconds: z.number().int().nonnegative().optional() }).loose();

const isPlatform = (adapter: string): adapter is keyof typeof PLATFORM_POLLING => Object.hasOwn(PLATFORM_POLLING, adapter);

export class PollPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PollPolicyError';
  }
}

/**
 * The window policy of one channel: the platform's documented limits (lag, lookback, unit),
 * the connector's window and overlap, then the channel's overrides. A window above the
 * platform's ceiling is refused with the field named, never silently clipped.
 */
export function channelPolicy(adapter: string, connectorConfig: unknown, poll: Pick<ChannelPollConfig, 'windowMinutes' | 'overlapSeconds'>, channelId: string): PollingPolicy {
  const base: PollingPolicy = isPlatform(adapter) ? PLATFORM_POLLING[adapter] : GENERIC_POLICY;
  const ceiling = isPlatform(adapter) ? PLATFORM_MAX_WINDOW_MS[adapter] : GENERIC_MAX_WINDOW_MS;
  const fromConnector = ConnectorPolling.safeParse(typeof connectorConfig === 'object' && connectorConfig !== null && 'polling' in connectorConfig ? connectorConfig.polling : {});
  const c = fromConnector.success ? fromConnector.data : {};
  const windowMs = (poll.windowMinutes ?? c.windowMinutes ?? base.maxWindowMs / MINUTE) * MINUTE;
  if (windowMs > ceiling) {
    throw new PollPolicyError(`channels.${channelId}.poll.windowMinutes: ${windowMs / MINUTE} min is longer than ${adapter} allows (${ceiling / MINUTE} min)`);
  }
  const overlapMs = (poll.overlapSeconds ?? c.overlapSeconds ?? base.overlapMs / 1000) * 1000;
  return { ...base, maxWindowMs: windowMs, overlapMs };
}
