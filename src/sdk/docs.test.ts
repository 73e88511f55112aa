import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUILTIN_ADAPTERS } from '../../adapters/index.js';
import { packageRoot } from '../util/package-info.js';
import { secret } from './connector-config.js';
import { defineAdapter } from './define.js';
import { isAdapterNote, renderAdapterDoc, renderAllDocs, renderConnectorsSchema, undocumentedFields } from './docs.js';

const demo = defineAdapter({
  manifest: { id: 'demo-wms', contractVersion: 1, version: '1.2.3', status: 'beta', kind: 'wms', displayName: 'Demo WMS', summary: 'A test adapter.', capabilities: ['wms.order.push'] },
  configSchema: z.object({ baseUrl: z.string().url().describe('API root'), appSecret: secret('Signing secret'), timeoutMs: z.number().int().default(5000) }).strict(),
  create: () => ({ testConnection: async () => ({ ok: true }), invoke: async () => null, close: async () => {} }),
});

describe('generated adapter docs', () => {
  it('documents every config field, marking secrets and defaults', () => {
    const md = renderAdapterDoc(demo);
    expect(md).toContain('# Demo WMS (`demo-wms`)');
    expect(md).toMatch(/\| `appSecret` \| string \| yes \| yes \(\$\{ENV_VAR\} only\) \|/);
    expect(md).toMatch(/\| `timeoutMs` \| integer \| no \| {2}\| `5000` \|/);
    expect(md).toContain('`wms.order.push`');
    const schema: unknown = JSON.parse(renderConnectorsSchema([demo]));
    expect(JSON.stringify(schema)).toContain('"secret":true');
  });

  it('finds a config field without a description, nested ones too', () => {
    expect(undocumentedFields(demo)).toEqual(['timeoutMs']);
    const nested = defineAdapter({ manifest: demo.manifest, configSchema: z.object({ polling: z.object({ pageSize: z.number() }).describe('Polling') }), create: demo.create as never });
    expect(undocumentedFields(nested)).toEqual(['polling.pageSize']);
  });

  it.each(BUILTIN_ADAPTERS.map((d) => [d.manifest.id, d] as const))('%s describes every config field', (_id, def) => {
    expect(undocumentedFields(def)).toEqual([]);
  });

  it('docs/adapters/ on disk match the registered manifests (run `zhongshu adapters docs` when this fails)', async () => {
    const root = packageRoot();
    const files = renderAllDocs(BUILTIN_ADAPTERS);
    for (const [rel, content] of files) {
      const onDisk = await readFile(path.join(root, rel), 'utf8').catch(() => '(missing)');
      expect(onDisk, `${rel} is stale`).toBe(content);
    }
    const present = (await readdir(path.join(root, 'docs', 'adapters'))).filter((f) => !isAdapterNote(f, BUILTIN_ADAPTERS));
    expect(present.map((f) => `docs/adapters/${f}`).sort()).toEqual([...files.keys()].sort());
  });
});
