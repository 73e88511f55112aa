import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { secretPaths } from '../../src/sdk/connector-config.js';
import kingdee from './index.js';
import { BASE, fakeKingdee, sampleOrder } from './testing.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const logger = pino({ level: 'silent' });
const ctx = { signal: new AbortController().signal, idempotencyKey: 'wf-1:sales-order.push', logger, heartbeat() {} };

async function instance() {
  const config = kingdee.configSchema.parse({ baseUrl: BASE, acctId: 'a', username: 'u', appId: 'i', appSecret: 'app-secret', saleOrgNumber: '100', customerNumber: 'C', materials: { 'ZP-2026-01': 'M1', 'FP-001': 'M2' } });
  return kingdee.create(config, { logger, fetch: globalThis.fetch, mappings: null, now: () => new Date() });
}

describe('kingdee adapter', () => {
  it('declares an erp adapter offering sales-order.push, with the app secret marked secret', () => {
    expect(kingdee.manifest).toMatchObject({ id: 'kingdee', kind: 'erp', capabilities: ['sales-order.push'] });
    expect([...secretPaths(kingdee.configSchema)]).toEqual(['appSecret']);
  });

  it('pushes through invoke and refuses other capabilities and bad input', async () => {
    const fake = fakeKingdee();
    server.use(...fake.handlers);
    const a = await instance();
    await expect(a.invoke('sales-order.push', { order: sampleOrder() }, ctx)).resolves.toMatchObject({ outcome: 'created' });
    await expect(a.invoke('stock.query', {}, ctx)).rejects.toMatchObject({ code: 'unsupported_capability' });
    await expect(a.invoke('sales-order.push', { order: { ...sampleOrder(), lines: [] } }, ctx)).rejects.toMatchObject({ code: 'invalid_input', retryable: false });
    expect(await a.testConnection()).toMatchObject({ ok: true });
  });

  it('spends one rate-limit token per request, the login included (the README rule: every request passes the hook)', async () => {
    const fake = fakeKingdee();
    server.use(...fake.handlers);
    const a = await instance();
    const tokens: string[] = [];
    await a.invoke('sales-order.push', { order: sampleOrder() }, { ...ctx, rateLimit: async (api: string) => void tokens.push(api) });
    // Login, the bill-number query, then save, submit and audit.
    expect(tokens).toEqual(['AuthService.LoginByAppSecret', 'DynamicFormService.ExecuteBillQuery', 'DynamicFormService.Save', 'DynamicFormService.Submit', 'DynamicFormService.Audit']);
  });
});
