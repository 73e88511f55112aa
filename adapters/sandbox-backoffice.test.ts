import { describe, expect, it } from 'vitest';
import { NO_FAULTS, type SandboxDefinition } from '../src/sandbox/core.js';
import type { AdapterDefinition } from '../src/sdk/define.js';
import dingtalk from './dingtalk/index.js';
import { sandbox as dingtalkSandbox } from './dingtalk/sandbox.js';
import ems from './ems/index.js';
import { sandbox as emsSandbox } from './ems/sandbox.js';
import kdniao from './kdniao/index.js';
import { sandbox as kdniaoSandbox } from './kdniao/sandbox.js';
import kingdee from './kingdee/index.js';
import { sandbox as kingdeeSandbox } from './kingdee/sandbox.js';
import sfExpress from './sf-express/index.js';
import { sandbox as sfSandbox } from './sf-express/sandbox.js';
import wangdiantong from './wangdiantong/index.js';
import { sandbox as wdtSandbox } from './wangdiantong/sandbox.js';
import wecom from './wecom/index.js';
import { sandbox as wecomSandbox } from './wecom/sandbox.js';

/**
 * What every back-office sandbox promises, checked the same way for each: it is named after its
 * adapter, its connectorConfig() is a valid config for that adapter, it starts with no faults and
 * its state() is plain JSON (what the simulator stores and diffs).
 */
const PAIRS: [AdapterDefinition, SandboxDefinition][] = [
  [sfExpress, sfSandbox],
  [wangdiantong, wdtSandbox],
  [ems, emsSandbox],
  [kdniao, kdniaoSandbox],
  [wecom, wecomSandbox],
  [dingtalk, dingtalkSandbox],
  [kingdee, kingdeeSandbox],
];

describe.each(PAIRS.map(([a, s]) => [a.manifest.id, a, s] as const))('%s sandbox contract', (_id, adapter, sandbox) => {
  it('matches its adapter, configures it, starts clean and reports plain-JSON state', async () => {
    expect(sandbox.adapter).toBe(adapter.manifest.id);
    const sb = await sandbox.start();
    try {
      expect(sb.adapter).toBe(adapter.manifest.id);
      expect(sb.log.system).toBe(adapter.manifest.id);
      const parsed = adapter.configSchema.safeParse(sb.connectorConfig());
      expect(parsed.success ? 'valid' : parsed.error.issues).toBe('valid');
      expect(sb.server.faults).toEqual(NO_FAULTS);
      expect(sb.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const state = sb.state();
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    } finally {
      await sb.close();
    }
  });
});
