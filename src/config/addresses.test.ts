import { describe, expect, it } from 'vitest';
import { requireHubAddresses, serviceAddresses } from './addresses.js';

const config = (t?: string, r?: string, d?: string) => ({ temporal: { address: t }, redis: { url: r }, database: { url: d } });

describe('service addresses', () => {
  it('createHub options win over the environment, the environment over the config', () => {
    const env = { TEMPORAL_ADDRESS: 'env:7233', REDIS_URL: 'redis://env', DATABASE_URL: 'postgres://env' };
    expect(serviceAddresses(config('cfg:7233', 'redis://cfg', 'postgres://cfg'), { temporalAddress: 'opt:7233' }, env)).toEqual({ temporalAddress: 'opt:7233', redisUrl: 'redis://env', databaseUrl: 'postgres://env' });
    expect(serviceAddresses(config('cfg:7233', 'redis://cfg'), {}, {})).toEqual({ temporalAddress: 'cfg:7233', redisUrl: 'redis://cfg' });
    expect(serviceAddresses(config('cfg:7233'), {}, { TEMPORAL_ADDRESS: '' })).toEqual({ temporalAddress: 'cfg:7233' });
  });
  it('an embedder is told what createHub reads: its options and the config, not an environment variable it never reads', () => {
    expect(() => requireHubAddresses({ redisUrl: 'redis://x' })).toThrow(/the temporalAddress option or set temporal\.address in the config/);
    expect(() => requireHubAddresses({ redisUrl: 'redis://x' })).not.toThrow(/TEMPORAL_ADDRESS/);
    expect(() => requireHubAddresses({ temporalAddress: 'x:7233' })).toThrow(/the redisUrl option or set redis\.url in the config/);
    expect(requireHubAddresses({ temporalAddress: 'x:7233', redisUrl: 'redis://x' })).toEqual({ temporalAddress: 'x:7233', redisUrl: 'redis://x' });
  });
});
