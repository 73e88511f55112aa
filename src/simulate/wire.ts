import { parseConfig } from '../config/load.js';
import type { HubConfig } from '../config/schema.js';
import { startSandboxWorld, type SandboxWorld } from '../sandbox/world.js';
import { planDay } from './plan.js';

/**
 * Starts the sandbox world where the configured hub will listen and adds its connectors,
 * channels, route-push token and lifecycle to `config` (in place). The returned env holds the
 * sandbox secrets the added connectors refer to; pass it to createHub.
 */
export async function wireSandboxWorld(config: HubConfig, seed = 1): Promise<{ world: SandboxWorld; env: Record<string, string> }> {
  const host = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host;
  const skus = planDay(seed, 50, 1).skus;
  const world = await startSandboxWorld({ hubUrl: `http://${host}:${config.server.port}`, skus, courierDelays: { pickupMs: null, deliveryMs: null } });
  try {
    const parts = world.hubConfig();
    const parsed = parseConfig({ connectors: parts.connectors, channels: parts.channels, webhooks: parts.webhooks, lifecycle: parts.lifecycle }, world.env);
    if (!parsed.ok) throw new Error(`sandbox world config invalid: ${JSON.stringify(parsed.problems)}`);
    const taken = new Set([...config.connectors.map((c) => c.id), ...config.channels.map((c) => c.id)]);
    const clash = [...parsed.config.connectors, ...parsed.config.channels].find((c) => taken.has(c.id));
    if (clash) throw new Error(`the config already has a connector or channel "${clash.id}", which the sandbox world uses`);
    config.connectors.push(...parsed.config.connectors);
    config.channels.push(...parsed.config.channels);
    config.webhooks.sfRoutePushToken = parsed.config.webhooks.sfRoutePushToken;
    config.lifecycle = parsed.config.lifecycle;
    // Sandbox buyers are synthetic; the frequency rule would hold the generator's steady stream.
    config.rules.risk.maxOrdersPer24h = Math.max(config.rules.risk.maxOrdersPer24h, 100_000);
    return { world, env: world.env };
  } catch (err) {
    await world.close();
    throw err;
  }
}
