import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { checkRemoteAreas } from './address-match.js';
import { rulesConfigSchema } from './config.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config/rules.example.yaml');

async function exampleSection(): Promise<unknown> {
  const doc = z.object({ rules: z.unknown() }).strict().parse(parseYaml(await readFile(EXAMPLE, 'utf8')));
  return doc.rules;
}

describe('RulesConfig', () => {
  it('has the documented defaults for an empty section', () => {
    expect(rulesConfigSchema({}).parse({})).toEqual({
      interception: { address: true, risk: true, unknownSku: true },
      risk: { maxOrdersPer24h: 5, windowHours: 24, stableCiphertextPlatforms: [] },
      gifts: [],
      remoteAreas: { carrier: 'EMS', surcharge: { minor: 0, currency: 'CNY' }, districts: [] },
      defaultCarrier: 'SF',
    });
  });

  it('parses config/rules.example.yaml, resolving ${VAR} references', async () => {
    const section = await exampleSection();
    const cfg = rulesConfigSchema({}).parse(section);
    expect(cfg.risk.maxOrdersPer24h).toBe(5);
    expect(cfg.gifts).toEqual([
      {
        id: 'fountain-filter-299',
        mainSku: 'ZP-2026-01',
        minAmount: { minor: 29900, currency: 'CNY' },
        gift: { sku: 'FP-001', title: 'water fountain filter', qty: 1, labelPosition: 'top right of the waybill', waybillText: 'Gift: water fountain filter x1' },
        enabled: true,
      },
    ]);
    expect(cfg.remoteAreas.carrier).toBe('EMS');
    expect(rulesConfigSchema({ RULES_RISK_MAX_ORDERS: '8' }).parse(section).risk.maxOrdersPer24h).toBe(8);
    // Every remote-area entry in the example names a real division.
    expect(checkRemoteAreas(cfg)).toEqual([]);
  });

  it('derives the waybill line from the gift title when none is given', () => {
    const cfg = rulesConfigSchema({}).parse({
      gifts: [{ id: 'g', mainSku: 'A', minAmount: { minor: 100, currency: 'CNY' }, gift: { sku: 'B', title: '滤芯', qty: 2, labelPosition: 'top right' } }],
    });
    expect(cfg.gifts[0]?.gift.waybillText).toBe('Gift: 滤芯 x2');
  });

  it('rejects unknown keys, bad codes, duplicate gift ids, unknown carriers and literal identity keys', () => {
    const schema = rulesConfigSchema({});
    const gift = { id: 'g', mainSku: 'A', minAmount: { minor: 100, currency: 'CNY' }, gift: { sku: 'B', title: 't', labelPosition: 'p' } };
    expect(schema.safeParse({ risk: { maxOrders: 5 } }).success).toBe(false);
    expect(schema.safeParse({ remoteAreas: { districts: ['54'] } }).success).toBe(false);
    expect(schema.safeParse({ gifts: [gift, gift] }).success).toBe(false);
    expect(schema.safeParse({ defaultCarrier: 'UPS' }).success).toBe(false);
    expect(schema.safeParse({ gifts: [{ ...gift, minAmount: { minor: 299.5, currency: 'CNY' } }] }).success).toBe(false);
    expect(schema.safeParse({ risk: { identityKey: 'hunter2' } }).success).toBe(false);
    expect(rulesConfigSchema({ K: 'k1' }).parse({ risk: { identityKey: '${K}' } }).risk.identityKey).toBe('k1');
  });
});
