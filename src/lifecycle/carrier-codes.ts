import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PLATFORM, type Platform } from '../canonical/status.js';
import { formatPath } from '../config/load.js';
import { errorMessage } from '../util/errors.js';

/**
 * Which company code each sales platform expects for a courier when the hub confirms shipment
 * (发货回传). The codes are data (`mappings/_tables/carrier-codes.json`), like the status tables,
 * so correcting one is a one-line change with its source next to it.
 */

export const CARRIER_CODES_TABLE = 'carrier-codes';

/** Hub courier ids are KDNiao ShipperCodes (SF, EMS, YZPY, YTO, ZTO, STO, YD, JD...). */
const COURIER_ID = /^[A-Z0-9]{2,10}$/;

/**
 * Platforms the hub has carrier codes for. own_store takes the hub courier id as it is; the
 * WeChat Channels shop and the Kuaishou shop have the codes docs/wire-formats/ gives (a courier
 * without one there fails NotConfigured naming it); erp does not confirm.
 */
export const SHIP_PLATFORMS = [PLATFORM.TAOBAO, PLATFORM.TMALL, PLATFORM.JD, PLATFORM.PINDUODUO, PLATFORM.DOUYIN, PLATFORM.YOUZAN, PLATFORM.SHOPIFY, PLATFORM.AMAZON, PLATFORM.OWN_STORE, PLATFORM.WECHAT, PLATFORM.KUAISHOU] as const;
export type ShipPlatform = (typeof SHIP_PLATFORMS)[number];

export const CarrierCodeEntry = z
  .object({
    /** What the platform's shipment.confirm input takes as `carrierCode`. */
    code: z.string().min(1),
    /** Only Amazon: the carrier's name, sent as carrierName when code is "Others". */
    carrierName: z.string().min(1).optional(),
    /** false = no cited source shows this code; check it against the platform's company list. */
    verified: z.boolean(),
    source: z.string().min(1),
  })
  .strict();
export type CarrierCodeEntry = z.infer<typeof CarrierCodeEntry>;

const CourierCodes = z
  .object({
    name: z.string().min(1),
    platforms: z.record(z.string(), CarrierCodeEntry),
  })
  .strict();

const CarrierCodeTable = z.record(z.string(), CourierCodes).superRefine((t, ctx) => {
  // Keys are checked here rather than by a key schema so the message says what a key must be.
  const platforms: readonly string[] = SHIP_PLATFORMS;
  for (const [courier, c] of Object.entries(t)) {
    if (!COURIER_ID.test(courier)) ctx.addIssue({ code: 'custom', path: [courier], message: 'a courier id is a KDNiao ShipperCode, e.g. SF, EMS, YTO' });
    for (const p of Object.keys(c.platforms)) {
      if (!platforms.includes(p)) ctx.addIssue({ code: 'custom', path: [courier, 'platforms', p], message: `not a platform the hub confirms shipment to (${platforms.join(', ')})` });
    }
    // Amazon's "Others" means nothing without the carrier's name.
    const a = c.platforms['amazon'];
    if (a && a.code === 'Others' && !a.carrierName) ctx.addIssue({ code: 'custom', path: [courier, 'platforms', 'amazon', 'carrierName'], message: 'carrierCode "Others" needs a carrierName' });
  }
});
export type CarrierCodeTable = z.infer<typeof CarrierCodeTable>;

export class CarrierCodeError extends Error {
  constructor(
    readonly platform: string,
    readonly courier: string,
    message: string,
  ) {
    super(message);
    this.name = 'CarrierCodeError';
  }
}

export interface CarrierCodes {
  /** The platform's company code for a hub courier; throws CarrierCodeError naming both when there is none. */
  carrierCodeFor(platform: Platform | string, courier: string): string;
  /** The whole entry (code, carrierName for Amazon, verified, source). */
  entryFor(platform: Platform | string, courier: string): CarrierCodeEntry;
  couriers(): string[];
}

/** Validates a parsed table; keys starting with `$` are comments, as in every mapping table. */
export function parseCarrierCodes(raw: unknown, file = `${CARRIER_CODES_TABLE}.json`): CarrierCodes {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object of courier ids`);
  const r = CarrierCodeTable.safeParse(Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('$'))));
  if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
  const table = r.data;
  const entryFor = (platform: string, courier: string): CarrierCodeEntry => {
    const c = Object.prototype.hasOwnProperty.call(table, courier) ? table[courier] : undefined;
    if (!c) throw new CarrierCodeError(platform, courier, `no carrier code for courier "${courier}" on platform "${platform}": courier "${courier}" is not in ${file} (known: ${Object.keys(table).join(', ')})`);
    const e = Object.prototype.hasOwnProperty.call(c.platforms, platform) ? c.platforms[platform] : undefined;
    if (!e) throw new CarrierCodeError(platform, courier, `no carrier code for courier "${courier}" on platform "${platform}" in ${file}: load it from the platform's company list and add it with its source`);
    return e;
  };
  return {
    entryFor,
    carrierCodeFor: (platform, courier) => entryFor(platform, courier).code,
    couriers: () => Object.keys(table),
  };
}

/** Reads `<mappingsDir>/_tables/carrier-codes.json` (the same directory the mapping engine loads). */
export async function loadCarrierCodes(mappingsDir: string): Promise<CarrierCodes> {
  const file = path.join(mappingsDir, '_tables', `${CARRIER_CODES_TABLE}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read carrier codes ${file}: ${errorMessage(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON: ${errorMessage(err)}`);
  }
  return parseCarrierCodes(raw, file);
}
