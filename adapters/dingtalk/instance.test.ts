import { describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import dingtalk from './index.js';

describe('dingtalk adapter', () => {
  it('is a notifier with alert.send whose token and signing secret are secrets', () => {
    expect(dingtalk.manifest).toMatchObject({ id: 'dingtalk', kind: 'notifier', capabilities: ['alert.send'] });
    expect([...secretPaths(dingtalk.configSchema)].sort()).toEqual(['accessToken', 'signSecret']);
  });
});
