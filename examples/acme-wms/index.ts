/**
 * A worked example of a partner adapter: "Acme WMS", a JSON-over-HTTPS warehouse system that
 * signs requests with HMAC-SHA256, written in the module shape of docs/adapters/README.md:
 * index.ts (manifest and config), instance.ts (the factory), transport.ts (signing, on the shared
 * exchange), operations/<op>.ts, sandbox.ts. A partner's package would import from `zhongshu`
 * and `zhongshu/testing`; inside this repository the example imports the same functions by path.
 *
 * Register it in config the way a partner does:
 *   adapters: { modules: ['./examples/acme-wms/index.js'] }
 *   connectors: [{ id: acme, adapter: acme-wms, config: { baseUrl: ..., apiKey: ${ACME_KEY} } }]
 */
import { z } from 'zod';
import { secret } from '../../src/sdk/connector-config.js';
import { defineAdapter } from '../../src/sdk/define.js';

export const acmeConfig = z
  .object({
    baseUrl: z.string().url().describe('Acme API root, e.g. https://wms.acme.example/api'),
    apiKey: secret('HMAC key Acme issued to this seller'),
    warehouse: z.string().min(1).default('ACME-1').describe('Acme warehouse code'),
    timeoutMs: z.number().int().positive().default(10_000).describe('Milliseconds to wait for an answer from Acme'),
  })
  .strict();
export type AcmeConfig = z.output<typeof acmeConfig>;

export default defineAdapter({
  manifest: {
    id: 'acme-wms',
    contractVersion: 1,
    version: '1.0.0',
    status: 'experimental',
    kind: 'wms',
    displayName: 'Acme WMS (example)',
    summary: 'Worked example of a partner adapter: outbound orders and stock queries over signed JSON.',
    capabilities: ['wms.order.push', 'stock.query'],
  },
  configSchema: acmeConfig,
  // The implementation and the sandbox load on first use, not when the hub registers the adapter.
  sandbox: async () => (await import('./sandbox.js')).sandbox,
  async create(config, deps) {
    const { createAcmeInstance } = await import('./instance.js');
    return createAcmeInstance(config, deps);
  },
});
