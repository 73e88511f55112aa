import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAdapterContract } from '../../src/testing/index.js';
import { AdapterRegistry } from '../../src/sdk/registry.js';
import { createLogger } from '../../src/logger.js';
import { acmeSignature } from './transport.js';
import acme from './index.js';

/** A local stand-in for Acme's API that checks the signature like Acme would. */
let server: Server;
let baseUrl = '';
const received: { path: string; body: unknown; idem: string | undefined }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const ts = String(req.headers['x-acme-timestamp'] ?? '');
      if (req.headers['x-acme-signature'] !== acmeSignature('k3y', ts, body)) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'bad_signature', message: 'signature mismatch' } }));
        return;
      }
      const idem = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
      received.push({ path: req.url ?? '', body: JSON.parse(body), idem });
      if (req.url === '/outbound') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, outboundId: 'OB-1', code: 'ACCEPTED' }));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ sku: 'A', onHand: 7 }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the example partner adapter', () => {
  it('passes the contract kit partners run', async () => {
    const problems = await checkAdapterContract(acme, {
      validConfig: { baseUrl, apiKey: '${ACME_KEY}' },
      env: { ACME_KEY: 'k3y' },
      signatureVectors: [
        // printf '2026-01-01T00:00:00.000Z\n{}' | openssl dgst -sha256 -hmac k3y
        { name: 'hmac', compute: () => acmeSignature('k3y', '2026-01-01T00:00:00.000Z', '{}'), expected: 'c7c95d932122c27df3d1edcbf3da9b90dab9abda9aecd8f4c4de82a288861b00' },
      ],
    });
    expect(problems).toEqual([]);
  });

  it('is registered from config by module path, created lazily, and called through the registry', async () => {
    const registry = new AdapterRegistry({ logger: createLogger({ level: 'silent' }), fetch, mappings: null, now: () => new Date() }, { ACME_KEY: 'k3y' });
    const id = await registry.registerModule('./examples/acme-wms/index.ts', process.cwd());
    expect(id).toBe('acme-wms');
    registry.configure([{ id: 'acme', adapter: 'acme-wms', config: { baseUrl, apiKey: '${ACME_KEY}' } }]);
    expect(registry.supports('acme', 'wms.order.push')).toBe(true);
    expect(registry.supports('acme', 'waybill.create')).toBe(false);
    const { instance } = await registry.connector('acme');
    const ctx = { signal: new AbortController().signal, idempotencyKey: 'order:x:1:wms-1', logger: createLogger({ level: 'silent' }), heartbeat() {} };
    const out = await instance.invoke('wms.order.push', { orderKey: 'x:1', order: { lines: [{ lineId: '1', merchantSku: 'A', quantity: 2, gift: { labelPosition: 'top right' } }] } }, ctx);
    expect(out).toEqual({ outboundId: 'OB-1', feedbackCode: 'ACCEPTED' });
    expect(received.at(-1)).toMatchObject({ path: '/outbound', idem: 'order:x:1:wms-1', body: { lines: [{ sku: 'A', qty: 2, label: 'top right' }] } });
    await expect(registry.registerModule('./examples/acme-wms/index.ts', process.cwd())).rejects.toThrow(/registered twice/);
    expect(() => registry.configure([{ id: 'acme2', adapter: 'acme-wms', config: { baseUrl, apiKey: 'literal' } }])).toThrow(/connectors\[0\]\.config\.apiKey: secrets must be a \$\{ENV_VAR\} reference/);
    await registry.close();
  });
});
