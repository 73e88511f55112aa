import { describe, expect, it } from 'vitest';
import { BUILTIN_ADAPTERS } from './index.js';
import { PLATFORM_SANDBOXES } from './platform-sandboxes.js';

describe('PLATFORM_SANDBOXES', () => {
  it('each entry is the sandbox of the adapter it is listed under, and its connector config parses with that adapter', async () => {
    for (const [id, load] of Object.entries(PLATFORM_SANDBOXES)) {
      const def = await load();
      expect(def.adapter).toBe(id);
      const adapter = BUILTIN_ADAPTERS.find((a) => a.manifest.id === id);
      const system = await def.start();
      try {
        const parsed = adapter?.configSchema.safeParse(system.connectorConfig());
        expect(parsed?.success, `${id}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
        expect(JSON.parse(JSON.stringify(system.state()))).toEqual(system.state());
      } finally {
        await system.close();
      }
    }
  });
});
