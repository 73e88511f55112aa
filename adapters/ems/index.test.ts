import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import ems, { emsConfig } from './index.js';

describe('ems definition', () => {
  it('offers the same capabilities as SF, with a secret HMAC key and no default endpoint', () => {
    expect(ems.manifest).toMatchObject({ id: 'ems', kind: 'courier', capabilities: ['waybill.create', 'waybill.update', 'waybill.cancel', 'tracking.query'] });
    expect([...secretPaths(emsConfig)]).toEqual(['secret']);
    expect(emsConfig.safeParse({ partnerId: 'ZS', secret: 's' }).success).toBe(false);
  });
});
