import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configCheckCommand } from '../../src/cli/config-check.js';
import { secretPaths } from '../../src/sdk/connector-config.js';
import legacyErp from './index.js';

const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config/legacy-erp.example.yaml');

afterEach(() => vi.restoreAllMocks());

describe('legacy-erp connector config', () => {
  it('marks the connection string and the webhook credentials as secrets', () => {
    expect([...secretPaths(legacyErp.configSchema)].sort()).toEqual(['connection', 'webhook.apiKey', 'webhook.secret']);
  });

  it('config/legacy-erp.example.yaml passes `config check` with its variables set, and names each one missing', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await configCheckCommand(example, { ACME_ERP_ODBC: 'Driver={PostgreSQL Unicode};Server=db', ACME_ERP_WEBHOOK_SECRET: 's' })).toBe(0);
    expect(await configCheckCommand(example, {})).not.toBe(0);
    const printed = [...err.mock.calls.map((c) => String(c[0])), ...vi.mocked(console.error).mock.calls.map((c) => String(c[0]))].join('\n');
    expect(printed).toContain('connectors[0].config.connection: missing env ACME_ERP_ODBC');
  });
});
