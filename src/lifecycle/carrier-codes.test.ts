import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CARRIER } from '../rules/config.js';
import { CarrierCodeError, SHIP_PLATFORMS, loadCarrierCodes, parseCarrierCodes } from './carrier-codes.js';

const MAPPINGS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../mappings');

describe('carrier codes table (mappings/_tables/carrier-codes.json)', () => {
  it('gives each platform its own code for the same courier', async () => {
    const codes = await loadCarrierCodes(MAPPINGS);
    // Values from /work/shared/WIRE-FORMATS.md §2, read independently of the table.
    expect(codes.carrierCodeFor('pinduoduo', CARRIER.SF)).toBe('44');
    expect(codes.carrierCodeFor('pinduoduo', CARRIER.EMS)).toBe('118');
    expect(codes.carrierCodeFor('jd', CARRIER.SF)).toBe('467');
    expect(codes.carrierCodeFor('jd', CARRIER.EMS)).toBe('465');
    expect(codes.carrierCodeFor('douyin', CARRIER.SF)).toBe('shunfeng');
    expect(codes.carrierCodeFor('taobao', 'ZTO')).toBe('ZTO');
    expect(codes.carrierCodeFor('youzan', 'STO')).toBe('1');
    expect(codes.carrierCodeFor('shopify', 'YZPY')).toBe('China Post');
    // The own-store callback takes the hub courier id itself (docs/wire-formats/own-store.md).
    for (const c of codes.couriers()) expect(codes.carrierCodeFor('own_store', c)).toBe(c);
  });

  it('covers both rules-engine carriers on every platform that has a code for them, and marks what no source confirms', async () => {
    const codes = await loadCarrierCodes(MAPPINGS);
    for (const c of Object.values(CARRIER)) expect(codes.couriers()).toContain(c);
    expect(codes.entryFor('taobao', CARRIER.SF)).toMatchObject({ code: 'SF', verified: false });
    expect(codes.entryFor('tmall', CARRIER.SF)).toMatchObject({ code: 'SF', verified: false });
    expect(codes.entryFor('pinduoduo', CARRIER.SF)).toMatchObject({ verified: true });
    expect(codes.entryFor('amazon', CARRIER.SF)).toMatchObject({ code: 'Others', carrierName: 'SF Express', verified: false });
    for (const courier of codes.couriers()) {
      for (const p of SHIP_PLATFORMS) {
        try {
          expect(codes.entryFor(p, courier).source).toMatch(/WIRE-FORMATS|docs\/wire-formats\//);
        } catch (err) {
          if (!(err instanceof CarrierCodeError)) throw err;
        }
      }
    }
  });

  it('names the platform and the courier when a code is missing', async () => {
    const codes = await loadCarrierCodes(MAPPINGS);
    expect(() => codes.carrierCodeFor('youzan', CARRIER.SF)).toThrow(/courier "SF" on platform "youzan"/);
    expect(() => codes.carrierCodeFor('jd', 'DHL')).toThrow(/courier "DHL" on platform "jd".*not in/);
    expect(() => codes.carrierCodeFor('kuaishou', CARRIER.EMS)).toThrow(/courier "EMS" on platform "kuaishou"/);
    // Inherited object keys are not couriers.
    expect(() => codes.carrierCodeFor('jd', 'constructor')).toThrow(CarrierCodeError);
  });

  it('rejects a malformed table naming the bad field', () => {
    expect(() => parseCarrierCodes({ SF: { name: 'SF', platforms: { jd: { code: 467, verified: true, source: 'x' } } } })).toThrow(/SF\.platforms\.jd\.code/);
    expect(() => parseCarrierCodes({ SF: { name: 'SF', platforms: { erp: { code: 'SF', verified: true, source: 'x' } } } })).toThrow(/SF\.platforms\.erp: not a platform/);
    expect(() => parseCarrierCodes({ sf: { name: 'SF', platforms: {} } })).toThrow(/KDNiao ShipperCode/);
    expect(() => parseCarrierCodes({ SF: { name: 'SF', platforms: { amazon: { code: 'Others', verified: false, source: 'x' } } } })).toThrow(/SF\.platforms\.amazon\.carrierName/);
    expect(() => parseCarrierCodes(['SF'])).toThrow(/expected a JSON object/);
    expect(parseCarrierCodes({ $comment: 'ignored', EMS: { name: 'EMS', platforms: { jd: { code: '465', verified: true, source: 's' } } } }).couriers()).toEqual(['EMS']);
  });

  describe('loading', () => {
    let dir: string | undefined;
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reports an unreadable or non-JSON file with its path', async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'zs-carrier-'));
      await expect(loadCarrierCodes(dir)).rejects.toThrow(/cannot read carrier codes .*carrier-codes\.json/);
      await mkdir(path.join(dir, '_tables'));
      await writeFile(path.join(dir, '_tables', 'carrier-codes.json'), '{"SF": ');
      await expect(loadCarrierCodes(dir)).rejects.toThrow(/carrier-codes\.json: not JSON/);
    });
  });
});
