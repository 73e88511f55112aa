import { z } from 'zod';
import { defineAdapter } from '../../src/sdk/define.js';

/**
 * A platform stand-in registered the way partners register adapters (config adapters.modules),
 * recording every inventory.push it receives so tests can see what platforms were told.
 */
export const pushes: { connector: string; idempotencyKey: string; items: { sku: string; available: number }[] }[] = [];

const PushInput = z.object({ warehouse: z.string(), items: z.array(z.object({ sku: z.string(), available: z.number().int() })) });

export default defineAdapter({
  manifest: { id: 'test-platform', contractVersion: 1, version: '0.0.1', status: 'experimental', kind: 'platform', displayName: 'Test platform', summary: 'Records stock pushes (tests only).', capabilities: ['inventory.push'] },
  configSchema: z.object({ name: z.string().default('test') }).strict(),
  create: (config) => ({
    testConnection: async () => ({ ok: true }),
    invoke: async (_capability, input, ctx) => {
      pushes.push({ connector: config.name, idempotencyKey: ctx.idempotencyKey, items: PushInput.parse(input).items });
      return { accepted: true };
    },
    close: async () => {},
  }),
});
