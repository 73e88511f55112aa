import { secretPaths } from '../sdk/connector-config.js';
import type { AdapterRegistry } from '../sdk/registry.js';
import { limiterIdentity, type ConnectorRef } from './rate-limit.js';

/**
 * The limiter's view of the configured connectors, from their resolved configs (never the raw
 * `${ENV}` text: two refs resolving to one app key must share the app's bucket).
 */
export function limiterConnectors(registry: Pick<AdapterRegistry, 'connectors' | 'definition' | 'resolvedConfig'>): ConnectorRef[] {
  return registry.connectors().map((spec) => {
    const def = registry.definition(spec.adapter);
    const secrets = def ? secretPaths(def.configSchema) : new Set<string>();
    return { id: spec.id, adapter: spec.adapter, config: limiterIdentity(registry.resolvedConfig(spec.id), secrets) };
  });
}
