/** Where the hub finds its services; each may be absent until the CLI starts embedded ones. */
export interface ServiceAddresses {
  temporalAddress?: string;
  redisUrl?: string;
  databaseUrl?: string;
}

interface AddressConfig {
  temporal: { address?: string | undefined };
  redis: { url?: string | undefined };
  database: { url?: string | undefined };
}

/**
 * The one place the addresses are decided: createHub's options first, then the environment (only
 * the CLI passes it; an embedding service passes its own options instead), then the config.
 */
export function serviceAddresses(config: AddressConfig, given: ServiceAddresses = {}, env: Readonly<Record<string, string | undefined>> = {}): ServiceAddresses {
  const pick = (...v: (string | undefined)[]) => v.find((x) => x !== undefined && x !== '');
  const temporalAddress = pick(given.temporalAddress, env['TEMPORAL_ADDRESS'], config.temporal.address);
  const redisUrl = pick(given.redisUrl, env['REDIS_URL'], config.redis.url);
  const databaseUrl = pick(given.databaseUrl, env['DATABASE_URL'], config.database.url);
  return { ...(temporalAddress ? { temporalAddress } : {}), ...(redisUrl ? { redisUrl } : {}), ...(databaseUrl ? { databaseUrl } : {}) };
}

/** What createHub needs before it starts; the advice names what createHub itself reads. */
export function requireHubAddresses(a: ServiceAddresses): { temporalAddress: string; redisUrl: string } {
  if (!a.temporalAddress) throw new Error('no Temporal address: pass createHub the temporalAddress option or set temporal.address in the config (`zhongshu start` runs an embedded dev server when neither is set)');
  if (!a.redisUrl) throw new Error('no Redis URL: pass createHub the redisUrl option or set redis.url in the config (`zhongshu start` runs an embedded redis-server when neither is set)');
  return { temporalAddress: a.temporalAddress, redisUrl: a.redisUrl };
}
